using System.Diagnostics;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// A library writer that stores nothing and spends a set CPU time per row: in place of the real one, it shows what the
/// actor path alone costs (zero time) and how close that path keeps a writer exactly as fast as raw SQLite to its rate.
/// It takes late joiners and hands out sequences as the real writer does, so the actor sees the same transactions.
/// </summary>
internal sealed class StandInWriter(double microsPerRow) : ILogWriter
{
    private readonly long _ticksPerRow = (long)(microsPerRow * Stopwatch.Frequency / 1e6);
    private long _latest;

    public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
        Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries)
    {
        var sequences = new List<long>(entries.Count);
        var busyUntil = Stopwatch.GetTimestamp();
        for (var batch = entries; batch.Count > 0; batch = sequences.Count < maxEntries ? joinLate(maxEntries - sequences.Count) : [])
        {
            for (var i = 0; i < batch.Count; i++)
                sequences.Add(++_latest);
            // Spinning, not sleeping: the real writer holds its core for the whole transaction, and so must this one.
            busyUntil += _ticksPerRow * batch.Count;
            while (Stopwatch.GetTimestamp() < busyUntil)
                Thread.SpinWait(20);
        }

        return Task.FromResult<IReadOnlyList<long>>(sequences);
    }

    public Task<ReplicationResult> ReplicateAsync(PreparedReplication set) =>
        throw new NotSupportedException("a stand-in writer only appends");

    public Task<(long LatestSequence, long VacuumedThroughSequence)> ResyncFromAsync(long sequence, SyncLogChecksum? checksum) =>
        throw new NotSupportedException("a stand-in writer only appends");

    public Task<long> LatestSequenceAsync() => Task.FromResult(_latest);
}
