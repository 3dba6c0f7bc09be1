using System.Security.Cryptography.X509Certificates;
using Akka.Actor.Setup;

namespace SyncLog.Cli;

/// <summary>A loaded certificate and the thumbprints this side accepts from the other: its own and the pinned peers'.</summary>
internal sealed class TlsIdentity(X509Certificate2 certificate, IReadOnlyList<string> peers) : IDisposable
{
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>Every thumbprint the other side may present, this side's own first.</summary>
    public IReadOnlyList<string> Allowed { get; } = [certificate.Thumbprint, .. peers];

    /// <summary>The actor system setup for mutual TLS with this certificate (<see cref="Remoting.Setups"/>).</summary>
    public Setup[] Setups() => Remoting.Setups(Certificate, Allowed);

    public void Dispose() => Certificate.Dispose();
}
