using System.CommandLine;
using Akka.Configuration;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>Starts the actor host the way the global options ask, so every command talks to the actors.</summary>
internal sealed class CliHost(GlobalOptions options)
{
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
        var file = parse.GetValue(options.Config);
        if (file is not null)
            config = config.WithFallback(ReadConfigFile(file));
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
            throw new CliUsageException($"configuration: {ErrorReport.OneLine(e.Message)}");
        }
    }

    /// <summary>Runs <paramref name="body"/> against a started host that may write, and always shuts it down.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<SyncLogHost, Task<int>> body)
    {
        var settings = Settings(parse);
        DataDirCheck.RequireWritable(settings.DataDir);
        SayDataDir(parse, settings);
        await using var host = SyncLogHost.Start(Overrides(parse), "synclog-cli");
        return await body(host);
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
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(file.FullName));
        }
        catch (Exception e) when (e is not CliUsageException)
        {
            throw new CliUsageException($"config file '{file.FullName}': {ErrorReport.OneLine(e.Message)}");
        }
    }
}
