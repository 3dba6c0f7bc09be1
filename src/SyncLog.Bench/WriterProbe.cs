using System.Diagnostics;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// A library's writer that counts its append transactions and the time each takes, so the write curves can show
/// whether a scenario loses to its transaction sizes or to a writer slowed by the rest of the process.
/// </summary>
internal sealed class WriterProbe(ILogWriter inner, WriterTally tally) : ILogWriter
{
    public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
        Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries)
    {
        var started = Stopwatch.GetTimestamp();
        var sequences = await inner.AppendAsync(entries, joinLate, maxEntries);
        tally.Add(sequences.Count, Stopwatch.GetTimestamp() - started);
        return sequences;
    }

    public Task<ReplicationResult> ReplicateAsync(PreparedReplication set) => inner.ReplicateAsync(set);

    public Task<(long LatestSequence, long VacuumedThroughSequence)> ResyncFromAsync(long sequence, SyncLogChecksum? checksum) =>
        inner.ResyncFromAsync(sequence, checksum);

    public Task<long> LatestSequenceAsync() => inner.LatestSequenceAsync();
}

/// <summary>One library's append transactions so far: how many, their rows, and the writer's time inside them.</summary>
internal sealed class WriterTally
{
    private long _transactions;
    private long _rows;
    private long _ticks;

    /// <summary>Notes one committed transaction of <paramref name="rows"/> that took <paramref name="ticks"/> (Stopwatch ticks).</summary>
    public void Add(int rows, long ticks)
    {
        // One writer per library, but read from another thread when the run ends.
        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _rows, rows);
        Interlocked.Add(ref _ticks, ticks);
    }

    /// <summary>Rows per transaction and the writer's microseconds per row, over every transaction noted.</summary>
    public WriterStats Stats()
    {
        var (transactions, rows, ticks) = (Interlocked.Read(ref _transactions), Interlocked.Read(ref _rows), Interlocked.Read(ref _ticks));
        return transactions == 0 || rows == 0
            ? new WriterStats(double.NaN, double.NaN)
            : new WriterStats(rows / (double)transactions, ticks * 1e6 / Stopwatch.Frequency / rows);
    }
}

/// <summary>A run's mean rows per append transaction and the writer's wall time per row inside transactions.</summary>
internal sealed record WriterStats(double RowsPerTransaction, double WriterMicrosPerRow);
