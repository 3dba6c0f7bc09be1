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

    /// <summary>The address <c>--bind-host</c> defaults to: this machine only.</summary>
    public const string Loopback = "127.0.0.1";

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
    /// overrides (<c>synclog follow</c>): a free port on <paramref name="bindHost"/>, where the leader's replies and
    /// pushes come back, reached as <paramref name="publicHost"/> when given.
    /// </summary>
    public static Config Peer(bool tls, string bindHost = Loopback, string? publicHost = null) => ConfigurationFactory.ParseString($$"""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp {
          hostname = {{SyncLogConfig.Quote(bindHost)}}
          public-hostname = {{SyncLogConfig.Quote(publicHost ?? "")}}
          port = 0
          enable-ssl = {{(tls ? "on" : "off")}}
          maximum-frame-size = {{MaximumFrameSize}}
        }
        """);

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

    /// <summary>The address remote peers select the gateway at, e.g. <c>akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway</c>.</summary>
    public static string GatewayAddress(ActorSystem system) =>
        ((ExtendedActorSystem)system).Provider.DefaultAddress + SyncLogGateway.Path;
}
