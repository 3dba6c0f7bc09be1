using System.CommandLine;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary>Options several commands share, built fresh per command (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<Guid> Library()
    {
        var option = new Option<Guid>("--library") { Description = "The library's UUID", Required = true };
        RefuseEmptyGuid(option);
        return option;
    }

    /// <summary>Refuses the all-zero UUID at parse time: no library has it, and the log refuses it as an id.</summary>
    public static void RefuseEmptyGuid(Option option) => option.Validators.Add(result =>
    {
        if (result.Tokens.Count == 1 && Guid.TryParse(result.Tokens[0].Value, out var id) && id == Guid.Empty)
            result.AddError($"{option.Name} must be a library's UUID, not the empty UUID {Guid.Empty}");
    });

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

    /// <summary>Checks <c>--since</c> against the sequences a log can hold, 0 to 2^53-1.</summary>
    public static void CheckSince(long since)
    {
        if (since is < 0 or > EntryValidator.MaxSequence)
            throw new CliUsageException($"--since must be between 0 and {EntryValidator.MaxSequence} (2^53-1), got {since}");
    }

    /// <summary>Checks a <c>--term</c>: 1 to 2^53-1, the terms the actors accept (exact in JSON numbers).</summary>
    public static void CheckTerm(long term)
    {
        if (term is < 1 or > EntryValidator.MaxSequence)
            throw new CliUsageException($"--term must be between 1 and {EntryValidator.MaxSequence} (2^53-1), got {term}");
    }

    /// <summary>Checks <c>--since</c> and <c>--limit</c> with the log's own rules, before any host starts.</summary>
    public static void CheckPage(long since, int limit)
    {
        CheckSince(since);
        if (limit is < 1 or > SyncLogDb.MaxFetchLimit)
            throw new CliUsageException($"--limit must be between 1 and {SyncLogDb.MaxFetchLimit}, got {limit}");
    }
}
