using System.CommandLine;

namespace SyncLog.Cli.Commands;

/// <summary>
/// The mutual TLS options of the commands that talk Akka.Remote (<c>serve</c>, <c>follow</c>, <c>tail --follow</c>): a
/// PKCS#12 certificate with its key, its password, and the pinned thumbprints of the other side. Built fresh per command.
/// </summary>
internal sealed class TlsOptions
{
    private readonly string _command;

    private TlsOptions(string command, string certificate, string allowPeer)
    {
        _command = command;
        Certificate = new Option<string?>("--tls-certificate") { Description = certificate };
        AllowPeers = new Option<string[]>("--tls-allow-peer") { Description = allowPeer };
    }

    public Option<string?> Certificate { get; }

    public Option<string?> Password { get; } = new("--tls-password") { Description = "Password of the --tls-certificate file" };

    public Option<string[]> AllowPeers { get; }

    /// <summary>The options of a served host, which turns TLS on for every peer.</summary>
    public static TlsOptions ForServer() => new("serve",
        "PKCS#12 (.pfx) certificate with its key: turns on mutual TLS",
        "SHA-1 thumbprint of another certificate peers may present (repeatable; the host's own is always allowed)");

    /// <summary>The options of a peer of a served host (<paramref name="command"/>: <c>follow</c>, <c>tail</c>).</summary>
    public static TlsOptions ForPeer(string command) => new(command,
        "PKCS#12 (.pfx) certificate with its key, for a host served with mutual TLS",
        "SHA-1 thumbprint of the served host's certificate (repeatable; this side's own --tls-certificate is always allowed)");

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Certificate);
        command.Options.Add(Password);
        command.Options.Add(AllowPeers);
    }

    /// <summary>True when <c>--tls-certificate</c> was given: the other side must be served over TLS too.</summary>
    public bool Given(ParseResult parse) => parse.GetValue(Certificate) is not null;

    /// <summary>
    /// Checks the options (exit 2 for a password or peer without a certificate, an empty path, a bad thumbprint or a
    /// file that is not a PKCS#12 certificate with its key) and loads the certificate; null without <c>--tls-certificate</c>.
    /// </summary>
    public TlsIdentity? Load(ParseResult parse)
    {
        var peers = (parse.GetValue(AllowPeers) ?? []).Select(Remoting.Thumbprint).ToList();
        var path = parse.GetValue(Certificate);
        if (path is null && (parse.GetResult(Password) is not null || peers.Count > 0))
            throw new CliUsageException("--tls-password and --tls-allow-peer only apply with --tls-certificate");
        if (path is not null && string.IsNullOrWhiteSpace(path))
            throw new CliUsageException($"--tls-certificate must not be empty (leave it out to {_command} without TLS)");
        return path is null ? null : new TlsIdentity(Remoting.LoadCertificate(Path.GetFullPath(path), parse.GetValue(Password)), peers);
    }
}
