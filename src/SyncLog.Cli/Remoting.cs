using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using SyncLog.Actors;

namespace SyncLog.Cli;

/// <summary>
/// Akka.Remote for the command line: the default port, a peer's config with the synclog defaults, TLS and its
/// command-line checks. The HOCON itself is <see cref="SyncLogRemoting"/>'s, shared with the benchmark. Only the
/// command line (and the benchmark) depend on Akka.Remote; the actors run the same with or without it.
/// </summary>
internal static class Remoting
{
    /// <summary>The port <c>synclog serve</c> listens on unless told otherwise.</summary>
    public const int DefaultPort = 4053;

    /// <summary>The address <c>--bind-host</c> defaults to: this machine only.</summary>
    public const string Loopback = SyncLogRemoting.Loopback;

    /// <summary>The remoting config of a peer of a served host: it listens on a free loopback port for replies.</summary>
    public static Config Client(bool tls) => SyncLogRemoting.Peer(tls).WithFallback(SyncLogConfig.Defaults);

    /// <summary>
    /// Checks <c>--bind-host</c> and <c>--public-host</c> (serve and follow): host names or IP addresses, and a public
    /// host whenever the bind host is a wildcard, since peers cannot reach "every address". Returns both trimmed.
    /// </summary>
    public static (string BindHost, string? PublicHost) Hosts(string? bindHost, string? publicHost, bool publicHostGiven)
    {
        var bind = Host(bindHost, "--bind-host");
        var advertised = publicHostGiven ? Host(publicHost, "--public-host") : null;
        if (advertised is null && bind is "0.0.0.0" or "::")
            throw new CliUsageException($"--bind-host {bind} listens on every address; add --public-host with the name peers reach this machine at");
        return (bind, advertised);
    }

    /// <summary>
    /// Says on stderr when <paramref name="publicHost"/> is advertised on a loopback <paramref name="bindHost"/>: peers on
    /// other machines would be told an address nothing of theirs can connect to. A warning, not a refusal: a tunnel or
    /// port forward on this machine can still carry their connections to a loopback bind.
    /// </summary>
    public static void WarnIfUnreachable(string bindHost, string? publicHost)
    {
        if (publicHost is not null && IsLoopback(bindHost) && !IsLoopback(publicHost))
        {
            Console.Error.WriteLine(
                $"synclog: warning: --bind-host {bindHost} is loopback, so peers on other machines cannot connect to --public-host {publicHost}; add --bind-host 0.0.0.0 (or an address they reach) to accept them");
        }
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    private static string Host(string? text, string option)
    {
        var host = text?.Trim() ?? "";
        return host.Length > 0 && Uri.CheckHostName(host) != UriHostNameType.Unknown
            ? host
            : throw new CliUsageException($"{option} must be a host name or IP address, got '{text}'");
    }

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
}
