using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace SyncLog.Cli;

/// <summary>Options every command takes.</summary>
internal sealed class GlobalOptions
{
    /// <summary>What <c>--data-dir</c> defaults to, in the order the settings apply.</summary>
    public const string DefaultDataDir = "Data dir (default: $SYNCLOG_DATA_DIR when set, else synclog.data-dir: ~/.spacedrive)";

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = DefaultDataDir,
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

    // What --data-dir means where a command uses it differently from the rest (required, or refused with another option).
    private readonly Dictionary<Command, (string Description, bool Required)> _dataDirHelp = [];

    /// <summary>
    /// Makes <c>--data-dir</c>'s line in <paramref name="command"/>'s help say <paramref name="description"/> instead of
    /// the shared default, marked required when <paramref name="required"/>: help must not promise a default it ignores.
    /// </summary>
    public void DescribeDataDir(Command command, string description, bool required = false) =>
        _dataDirHelp[command] = (description, required);

    public void AddTo(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new DataDirHelpAction(
            help.Action as HelpAction ?? throw new InvalidOperationException("the root command's --help has no HelpAction"), this);
        root.Options.Add(DataDir);
        root.Options.Add(HostDevice);
        root.Options.Add(Config);
        root.Options.Add(Json);
        root.Options.Add(Verbose);
    }

    /// <summary>
    /// Shows help with <c>--data-dir</c> described for the command asked about. System.CommandLine 3 keeps its help
    /// builder's per-symbol customization internal, and one recursive option has one description: set it just before
    /// the help is written, which is all this process does when --help is given.
    /// </summary>
    private sealed class DataDirHelpAction(HelpAction help, GlobalOptions options) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => help.ClearsParseErrors;

        public override int Invoke(ParseResult parseResult)
        {
            var (description, required) = options._dataDirHelp.GetValueOrDefault(parseResult.CommandResult.Command, (DefaultDataDir, false));
            options.DataDir.Description = description;
            options.DataDir.Required = required;
            return help.Invoke(parseResult);
        }
    }
}
