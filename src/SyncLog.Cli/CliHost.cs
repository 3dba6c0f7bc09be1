using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>Starts the actor host the way the global options ask, so every command talks to the actors.</summary>
internal sealed partial class CliHost(GlobalOptions options)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Every host the command line starts leaves Ctrl-C to the command: Akka's own hook would run coordinated shutdown on
    /// SIGINT, stopping libraries under a request, which then reads as a storage failure. Commands dispose their hosts.
    /// </summary>
    public const string NoClrShutdownHook = "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off";

    /// <summary>The HOCON overrides the options make, over the embedded <c>synclog.hocon</c>.</summary>
    public Config Overrides(ParseResult parse, string? dataDirOverride = null, bool readOnly = false)
    {
        var lines = new List<string>();
        if (readOnly)
            lines.Add("synclog.read-only = on");
        var verbose = parse.GetValue(options.Verbose);
        // The actor system's own stdout logger stays off (stdout carries tables and JSON); --verbose sends its log to
        // stderr through StderrLogger instead.
        lines.Add("akka.stdout-loglevel = OFF");
        lines.Add(NoClrShutdownHook);
        lines.Add($"akka.loglevel = {(verbose ? "INFO" : "OFF")}");
        lines.Add($"akka.loggers = [\"{typeof(StderrLogger).AssemblyQualifiedName}\"]");
        var dataDir = dataDirOverride ?? NotEmpty(parse, options.DataDir);
        if (dataDir is not null)
        {
            lines.Add($"synclog.data-dir = {SyncLogConfig.Quote(dataDir)}");
            lines.Add("synclog.data-dir-env = \"\"");
        }

        if (NotEmpty(parse, options.HostDevice) is { } device)
            lines.Add($"synclog.device-id = {SyncLogConfig.Quote(device)}");

        var config = ConfigurationFactory.ParseString(string.Join('\n', lines));
        if (NotEmpty(parse, options.Config) is { } file)
            config = config.WithFallback(ReadConfigFile(new FileInfo(file)));
        return config;
    }

    /// <summary>The settings a host would run with, checked before any host starts (bad values exit 2).</summary>
    public SyncLogSettings Settings(ParseResult parse, string? dataDirOverride = null, bool readOnly = false)
    {
        var overrides = Overrides(parse, dataDirOverride, readOnly);
        try
        {
            return SyncLogSettings.FromConfig(SyncLogConfig.Build(overrides));
        }
        catch (Exception e) when (e is not CliUsageException)
        {
            // Akka's HOCON getters throw several exception types for a value of the wrong kind ('retention = banana').
            // The getters do not name the key for a value of the wrong kind: find the setting holding the value the
            // exception quotes, and say at least what kind of mistake it is when none does.
            var reason = e switch
            {
                ArgumentNullException => "a synclog setting has no value, or a list or object where one value belongs",
                // HOCON durations and sizes have no sign: Akka reads '-5ms' as not a duration at all.
                FormatException when QuotedValue().Match(e.Message) is { Success: true } quoted
                                     && KeyHolding(overrides, quoted.Groups["value"].Value) is { } key =>
                    quoted.Groups["value"].Value.TrimStart().StartsWith('-')
                        ? $"{key} must not be negative, got '{quoted.Groups["value"].Value}'"
                        : $"{key} has a value of the wrong kind, got '{quoted.Groups["value"].Value}'",
                FormatException => $"a synclog setting has a value of the wrong kind: {ErrorReport.OneLine(e.Message).TrimEnd('.')}",
                _ => ErrorReport.WithoutParameterName(ErrorReport.OneLine(e.Message)),
            };
            throw new CliUsageException($"configuration: {reason}");
        }
    }

    [GeneratedRegex("'(?<value>[^']*)'")]
    private static partial Regex QuotedValue();

    /// <summary>The first <c>synclog.*</c> key whose single value reads as <paramref name="value"/>, if one does.</summary>
    private static string? KeyHolding(Config overrides, string value)
    {
        string? Find(HoconValue node, string path)
        {
            if (node.IsObject())
            {
                foreach (var (name, child) in node.GetObject().Items)
                {
                    if (Find(child, $"{path}.{name}") is { } found)
                        return found;
                }

                return null;
            }

            // A value that is not one string (a list, a substitution) holds no quoted value to match.
            try
            {
                return node.IsString() && node.GetString() == value ? path : null;
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or ConfigurationException)
            {
                return null;
            }
        }

        // The user's own settings (options and --config file) hold the bad value; the defaults do not.
        return overrides.GetValue("synclog") is { } root ? Find(root, "synclog") : null;
    }

    /// <summary>
    /// Runs <paramref name="body"/> against a started host that may write, and always shuts it down. Ctrl-C
    /// (<paramref name="ct"/>) stops waiting for the answer, so the line says the change may have been made.
    /// </summary>
    public async Task<int> RunAsync(ParseResult parse, Func<SyncLogHost, Task<int>> body, CancellationToken ct)
    {
        var settings = Settings(parse);
        DataDirCheck.RequireWritable(settings.DataDir);
        SayDataDir(parse, settings);
        ct.ThrowIfCancellationRequested();
        await using var host = SyncLogHost.Start(Overrides(parse), "synclog-cli");
        try
        {
            return await body(host);
        }
        catch (Exception e) when (ct.IsCancellationRequested && !ErrorReport.IsInterruption(e))
        {
            // Whatever the write ended with after Ctrl-C (an abandoned ask, a library stopped by the shutdown), the
            // cause is the interruption, and the write may have been made.
            throw new CliRefusedException(
                $"{ErrorReport.Interrupted}: a change already sent to the log may have been made; check it (fetch, leader) before running the command again");
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> against a host that owns the data dir and is reachable over Akka.Remote as
    /// <paramref name="remoting"/> says (over the options' overrides), with <paramref name="setups"/> (TLS).
    /// </summary>
    public async Task<int> ServeAsync(ParseResult parse, Config remoting, Setup[] setups, Func<SyncLogHost, Task<int>> body)
    {
        var settings = Settings(parse);
        DataDirCheck.RequireWritable(settings.DataDir);
        SayDataDir(parse, settings);
        SyncLogHost host;
        try
        {
            host = SyncLogHost.Start(remoting.WithFallback(Overrides(parse)), SyncLogRemoting.SystemName, setups);
        }
        catch (Exception e) when (e is not (SyncLogLockedException or SyncLogOpenException or CliUsageException or CliRefusedException))
        {
            // Most often the port is taken or the address is not this machine's; the transport says which.
            throw new CliRefusedException($"cannot serve: remoting did not start: {ErrorReport.OneLine(Innermost(e).Message)}");
        }

        await using (host)
            return await body(host);
    }

    /// <summary>
    /// Starts an actor system that is only a peer of served hosts (<c>tail --follow</c> through <c>synclog serve</c>): no
    /// host and no data dir, Akka.Remote on a free port of <paramref name="bindHost"/> (reached as
    /// <paramref name="publicHost"/> when given), over TLS with <paramref name="tls"/>. Terminate it.
    /// </summary>
    public ActorSystem StartPeer(ParseResult parse, TlsIdentity? tls, string bindHost = SyncLogRemoting.Loopback, string? publicHost = null)
    {
        var config = SyncLogRemoting.Peer(tls is not null, bindHost, publicHost).WithFallback(Overrides(parse)).WithFallback(SyncLogConfig.Defaults);
        var setup = ActorSystemSetup.Create(tls?.Setups() ?? []).And(BootstrapSetup.Create().WithConfig(config));
        try
        {
            return ActorSystem.Create("synclog-tail", setup);
        }
        catch (Exception e)
        {
            throw new CliRefusedException($"cannot reach served hosts: remoting did not start: {ErrorReport.OneLine(Innermost(e).Message)}");
        }
    }

    /// <summary>The data dir given on the command line with <c>--data-dir</c>, or null when none was.</summary>
    public string? ExplicitDataDir(ParseResult parse) => NotEmpty(parse, options.DataDir);

    /// <summary>Says in <paramref name="command"/>'s help what <c>--data-dir</c> means there (<see cref="GlobalOptions.DescribeDataDir"/>).</summary>
    public void DescribeDataDir(Command command, string description, bool required = false) =>
        options.DescribeDataDir(command, description, required);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }

    /// <summary>
    /// Runs <paramref name="body"/> against a read-only host: it takes no lock, so it works beside the process that
    /// owns the data dir (your app, or another synclog), and it can change nothing.
    /// </summary>
    public async Task<int> ReadAsync(ParseResult parse, Func<SyncLogHost, Task<int>> body)
    {
        var settings = Settings(parse, readOnly: true);
        DataDirCheck.RequireReadable(settings.DataDir);
        SayDataDir(parse, settings);
        await using var host = SyncLogHost.Start(Overrides(parse, readOnly: true), "synclog-cli");
        return await body(host);
    }

    /// <summary>
    /// Stops with the "unknown library" refusal unless the library's log exists, so reads and no-op writes never open
    /// (and never create) a file for an id nobody used.
    /// </summary>
    public static void RequireLibrary(SyncLogHost host, Guid library) =>
        DataDirCheck.RequireLibrary(host.Settings.DataDir, library);

    public bool Json(ParseResult parse) => parse.GetValue(options.Json);

    public bool Verbose(ParseResult parse) => parse.GetValue(options.Verbose);

    private void SayDataDir(ParseResult parse, SyncLogSettings settings)
    {
        if (Verbose(parse))
            Console.Error.WriteLine($"synclog: data dir {settings.DataDir}{(settings.ReadOnly ? " (read-only)" : "")}, device {settings.DeviceId}");
    }

    // An option given as '' is a mistake, never a request for the default.
    private static string? NotEmpty(ParseResult parse, Option<string?> option)
    {
        if (parse.GetResult(option) is null)
            return null;
        var value = parse.GetValue(option);
        return string.IsNullOrWhiteSpace(value)
            ? throw new CliUsageException($"{option.Name} must not be empty (leave it out to use the default)")
            : value;
    }

    private static Config ReadConfigFile(FileInfo file)
    {
        if (Directory.Exists(file.FullName))
            throw new CliUsageException($"config file '{file.FullName}' is a directory");
        if (!file.Exists)
            throw new CliUsageException($"config file '{file.FullName}' does not exist");
        string text;
        try
        {
            text = StrictUtf8.GetString(File.ReadAllBytes(file.FullName));
        }
        catch (DecoderFallbackException)
        {
            throw new CliUsageException($"config file '{file.FullName}' is not UTF-8 text; a HOCON file is");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliUsageException($"config file '{file.FullName}' cannot be read: {ErrorReport.OneLine(e.Message)}");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
            throw new CliUsageException($"config file '{file.FullName}' is not a text file (it holds NUL bytes); a HOCON file is");
        Config parsed;
        try
        {
            parsed = ConfigurationFactory.ParseString(text);
        }
        catch (ConfigurationException e)
        {
            throw new CliUsageException($"config file '{file.FullName}': {ErrorReport.OneLine(e.Message)}");
        }
        catch (Exception e) when (e is not CliUsageException)
        {
            // The HOCON parser throws bare .NET exceptions for some input: an 'include' (it has no file to resolve it
            // against) fails with a null reference.
            throw new CliUsageException($"config file '{file.FullName}' is not HOCON synclog can read (includes are not supported)");
        }

        if (UnknownSetting(parsed) is { } unknown)
            throw new CliUsageException($"config file '{file.FullName}': {unknown}; every synclog setting and its default is in hocon/synclog.hocon");

        return parsed;
    }

    /// <summary>
    /// What is wrong with the first <c>synclog.*</c> setting of <paramref name="file"/> that <c>synclog.hocon</c> does not
    /// have, or that gives one value for a whole section of settings (which Akka's getters fail on without a key): HOCON
    /// takes any key, so a misspelt one (<c>max-open-librarie</c>) would otherwise be ignored and its default kept
    /// without a word. The plugin settings under <c>synclog.persistence</c> and the mailbox wiring are Akka's, open-ended.
    /// </summary>
    private static string? UnknownSetting(Config file)
    {
        string? Find(HoconValue node, string path)
        {
            if (path is "synclog.persistence" or "synclog.mailbox")
                return null;
            if (!node.IsObject())
            {
                return !SyncLogConfig.Defaults.HasPath(path) ? $"unknown setting {path}"
                    : SyncLogConfig.Defaults.GetValue(path).IsObject() ? $"{path} is a section of settings, not one value"
                    : null;
            }

            foreach (var (name, child) in node.GetObject().Items)
            {
                // A quoted key with a dot or a space in it names no synclog setting, and is no path HasPath could read.
                if (!SettingName().IsMatch(name))
                    return $"unknown setting {path}.\"{name}\"";
                if (Find(child, $"{path}.{name}") is { } found)
                    return found;
            }

            return null;
        }

        return file.GetValue("synclog") is { } root ? Find(root, "synclog") : null;
    }

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex SettingName();
}
