using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>
/// Prints a tail one line per entry (a table line, or a JSON line with <c>--json</c>), so <c>--follow</c> appends lines
/// instead of reprinting tables, and remembers where it is, so a tail that switches source goes on without a gap or repeat.
/// </summary>
internal sealed class TailPrinter(bool json)
{
    /// <summary>The last sequence printed or reported vacuumed: the tail goes on after it.</summary>
    public long Since { get; private set; }

    /// <summary>Starts the tail with the header line (tables only) after <paramref name="since"/>.</summary>
    public void Start(long since)
    {
        Since = since;
        if (!json)
            Console.WriteLine(Output.EntryLineHeader);
    }

    public void Print(SyncLogEntry entry)
    {
        Console.WriteLine(json ? EntryJson.ToLine(entry) : Output.EntryLine(entry));
        Since = entry.Sequence;
    }

    /// <summary>The tail fell behind a vacuum: says so, and goes on after what still exists.</summary>
    public void Vacuumed(long through)
    {
        Console.Error.WriteLine($"synclog: entries {Since + 1}..{through} were vacuumed; continuing after them");
        Since = through;
    }
}
