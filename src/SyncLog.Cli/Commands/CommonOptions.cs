using System.CommandLine;

namespace SyncLog.Cli.Commands;

/// <summary>Options several commands share, built fresh per command (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<Guid> Library() => new("--library") { Description = "The library's UUID", Required = true };

    public static Option<int> Limit(int defaultValue) => new("--limit")
    {
        Description = "Most entries to return (1 to 10000)",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<long> Since() => new("--since")
    {
        Description = "Return entries after this sequence",
        DefaultValueFactory = _ => 0,
    };
}
