using System.CommandLine;
using Akka.Configuration;
using SyncLog.Actors;

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
        // The actor system logs to stdout; keep it quiet so tables and JSON stay clean.
        lines.Add($"akka.loglevel = {(verbose ? "INFO" : "OFF")}");
        lines.Add($"akka.stdout-loglevel = {(verbose ? "INFO" : "OFF")}");
        var dataDir = dataDirOverride ?? parse.GetValue(options.DataDir);
        if (!string.IsNullOrWhiteSpace(dataDir))
        {
            lines.Add($"synclog.data-dir = {SyncLogConfig.Quote(dataDir)}");
            lines.Add("synclog.data-dir-env = \"\"");
        }

        var device = parse.GetValue(options.HostDevice);
        if (!string.IsNullOrWhiteSpace(device))
            lines.Add($"synclog.device-id = {SyncLogConfig.Quote(device)}");

        var config = ConfigurationFactory.ParseString(string.Join('\n', lines));
        var file = parse.GetValue(options.Config);
        if (file is not null)
        {
            if (!file.Exists)
                throw new CliUsageException($"config file '{file.FullName}' does not exist");
            config = config.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(file.FullName)));
        }

        return config;
    }

    /// <summary>Runs <paramref name="body"/> against a started host and always shuts it down.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<SyncLogHost, Task<int>> body)
    {
        await using var host = SyncLogHost.Start(Overrides(parse), "synclog-cli");
        return await body(host);
    }

    /// <summary>
    /// Runs <paramref name="body"/> against a read-only host: it takes no lock, so it works beside the process that
    /// owns the data dir (your app, or another synclog), and it can change nothing.
    /// </summary>
    public async Task<int> ReadAsync(ParseResult parse, Func<SyncLogHost, Task<int>> body)
    {
        await using var host = SyncLogHost.Start(Overrides(parse, readOnly: true), "synclog-cli");
        return await body(host);
    }

    public bool Json(ParseResult parse) => parse.GetValue(options.Json);
}
