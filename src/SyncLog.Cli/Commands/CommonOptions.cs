using System.CommandLine;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary>Options several commands share, built fresh per command (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<Guid> Library() => new("--library") { Description = "The library's UUID", Required = true };

    public static Option<int> Limit(int defaultValue) => new("--limit")
    {
        Description = $"Most entries to return (1 to {SyncLogDb.MaxFetchLimit})",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<long> Since() => new("--since")
    {
        Description = "Return entries after this sequence",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>Checks <c>--since</c> and <c>--limit</c> with the log's own rules, before any host starts.</summary>
    public static void CheckPage(long since, int limit)
    {
        if (since < 0)
            throw new CliUsageException($"--since must be 0 or more, got {since}");
        if (limit is < 1 or > SyncLogDb.MaxFetchLimit)
            throw new CliUsageException($"--limit must be between 1 and {SyncLogDb.MaxFetchLimit}, got {limit}");
    }
}
