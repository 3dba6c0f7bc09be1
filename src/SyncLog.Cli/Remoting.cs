using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using SyncLog.Actors;

namespace SyncLog.Cli;

/// <summary>
/// Akka.Remote for a served host and its peers: the HOCON (loopback by default, untrusted mode with only the gateway
/// selectable, frames large enough for a page of entries) and the TLS setup. Only the command line depends on
/// Akka.Remote; the actors run the same with or without it.
/// </summary>
internal static class Remoting
{
    /// <summary>The actor system name of a served host, part of its address.</summary>
    public const string SystemName = "synclog";

    /// <summary>The port <c>synclog serve</c> listens on unless told otherwise.</summary>
    public const int DefaultPort = 4053;

    /// <summary>The largest message on the wire: a page of 10,000 entries of ~1.5 KB JSON each.</summary>
    private const string MaximumFrameSize = "16MiB";

    /// <summary>The remoting config of a served host listening on <paramref name="bindHost"/>:<paramref name="port"/>.</summary>
    public static Config Server(string bindHost, int port, string? publicHost, bool tls, bool allowWrites) =>
        ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote {
              dot-netty.tcp {
                hostname = {{SyncLogConfig.Quote(bindHost)}}
                public-hostname = {{SyncLogConfig.Quote(publicHost ?? "")}}
                port = {{port}}
                enable-ssl = {{(tls ? "on" : "off")}}
                maximum-frame-size = {{MaximumFrameSize}}
                # .NET's address reuse on Linux is SO_REUSEPORT too: a second host could share the port and its peers.
                tcp-reuse-addr = off
              }
              # Remote peers may select only the gateway, and send no system messages (create, stop, supervise).
              untrusted-mode = on
              trusted-selection-paths = [{{SyncLogConfig.Quote(SyncLogGateway.Path)}}]
            }
            synclog.serve.allow-writes = {{(allowWrites ? "on" : "off")}}
            # Without --allow-writes nothing writes in this process: a peer that sends past the gateway is refused too.
            synclog.refuse-writes = {{(allowWrites ? "off" : "on")}}
            """);

    /// <summary>The remoting config of a peer of a served host: it listens on a free loopback port for replies.</summary>
    public static Config Client(bool tls) => Peer(tls).WithFallback(SyncLogConfig.Defaults);

    /// <summary>
    /// The remoting part of <see cref="Client"/> alone, without the synclog defaults, to sit over a command's own
    /// overrides (<c>synclog follow</c>).
    /// </summary>
    public static Config Peer(bool tls) => ConfigurationFactory.ParseString($$"""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp {
          hostname = "127.0.0.1"
          port = 0
          enable-ssl = {{(tls ? "on" : "off")}}
          maximum-frame-size = {{MaximumFrameSize}}
        }
        """);

    /// <summary>
    /// The TLS setup: this side presents <paramref name="certificate"/>, both sides must present one (mutual TLS), and a
    /// peer is accepted only when its certificate's SHA-1 thumbprint is one of <paramref name="allowedPeers"/>.
    /// </summary>
    public static Setup[] Setups(X509Certificate2? certificate, IEnumerable<string> allowedPeers) => certificate is null
        ? []
        : [new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, CertificateValidation.PinnedCertificate([.. allowedPeers]))];

    /// <summary>Loads a PKCS#12 (.pfx) certificate with its private key; a missing or unreadable file is a usage error.</summary>
    public static X509Certificate2 LoadCertificate(string path, string? password)
    {
        if (Directory.Exists(path))
            throw new CliUsageException($"--tls-certificate '{path}' is a directory, not a certificate file");
        if (!File.Exists(path))
            throw new CliUsageException($"--tls-certificate '{path}' does not exist");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException e)
        {
            throw new CliUsageException(
                $"--tls-certificate '{path}' cannot be loaded as a PKCS#12 (.pfx) file with --tls-password: {ErrorReport.OneLine(e.Message)}");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliUsageException($"--tls-certificate '{path}' cannot be read: {ErrorReport.OneLine(e.Message)}");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CliUsageException($"--tls-certificate '{path}' holds no private key; TLS needs the certificate with its key");
        }

        return certificate;
    }

    /// <summary>A SHA-1 thumbprint as given to <c>--tls-allow-peer</c>: 40 hex digits, any case, colons or spaces allowed.</summary>
    public static string Thumbprint(string text)
    {
        var hex = new string([.. text.Where(c => c is not (':' or ' '))]).ToUpperInvariant();
        return hex.Length == 40 && hex.All(Uri.IsHexDigit)
            ? hex
            : throw new CliUsageException($"--tls-allow-peer must be a certificate's SHA-1 thumbprint (40 hex digits), got '{text}'");
    }

    /// <summary>The address remote peers select the gateway at, e.g. <c>akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway</c>.</summary>
    public static string GatewayAddress(ActorSystem system) =>
        ((ExtendedActorSystem)system).Provider.DefaultAddress + SyncLogGateway.Path;
}
