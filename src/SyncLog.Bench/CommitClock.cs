using System.Collections.Concurrent;
using System.Diagnostics;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// A library's writer that notes when each appended sequence's transaction committed, so section 10 can measure
/// latency from the commit (the "commit to subscriber") beside latency from the append being sent.
/// </summary>
internal sealed class CommitClock(ILogWriter inner, ConcurrentDictionary<long, long> committedAt) : ILogWriter
{
    public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
        Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries)
    {
        var sequences = await inner.AppendAsync(entries, joinLate, maxEntries);
        // The storage call returns after COMMIT: this is the moment the entries became durable and pushable.
        var now = Stopwatch.GetTimestamp();
        foreach (var sequence in sequences)
            committedAt[sequence] = now;
        return sequences;
    }

    public Task<ReplicationResult> ReplicateAsync(PreparedReplication set) => inner.ReplicateAsync(set);

    public Task<(long LatestSequence, long VacuumedThroughSequence)> ResyncFromAsync(long sequence, SyncLogChecksum? checksum) =>
        inner.ResyncFromAsync(sequence, checksum);

    public Task<long> LatestSequenceAsync() => inner.LatestSequenceAsync();
}
