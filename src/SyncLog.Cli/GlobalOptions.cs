using System.CommandLine;

namespace SyncLog.Cli;

/// <summary>Options every command takes.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Data dir (default: synclog.data-dir, ~/.spacedrive, or $SYNCLOG_DATA_DIR)",
        Recursive = true,
    };

    public Option<string?> HostDevice { get; } = new("--host-device")
    {
        Description = "This host's device id (default: synclog.device-id, else the machine name)",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "A HOCON file whose settings override hocon/synclog.hocon",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON for scripts instead of tables", Recursive = true };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Name the data dir used and show the actor system's log, both on stderr", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(DataDir);
        root.Options.Add(HostDevice);
        root.Options.Add(Config);
        root.Options.Add(Json);
        root.Options.Add(Verbose);
    }
}
