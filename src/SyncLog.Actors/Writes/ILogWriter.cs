using SyncLog.Storage;

namespace SyncLog.Actors.Writes;

/// <summary>
/// The write operations a library actor runs on its <see cref="SyncLogDb"/>: the seam through which tests fail or
/// delay writes (see <see cref="LogWriterSeam"/>). Called on a storage thread, one operation at a time.
/// </summary>
internal interface ILogWriter
{
    /// <summary>Appends validated entries (and late joiners) in one transaction; sequences per entry, in order.</summary>
    Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
        Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries);

    /// <summary>Mirrors a leader's entries, prepared off the storage thread.</summary>
    Task<ReplicationResult> ReplicateAsync(PreparedReplication set);

    /// <summary>Restarts the log after <paramref name="sequence"/>, with the leader's chain checksum there if known.</summary>
    Task<(long LatestSequence, long VacuumedThroughSequence)> ResyncFromAsync(long sequence, SyncLogChecksum? checksum);

    /// <summary>The latest sequence stored, read after a commit (a retried idempotency key returns an old sequence).</summary>
    Task<long> LatestSequenceAsync();
}

/// <summary>The production <see cref="ILogWriter"/>: straight through to the library's <see cref="SyncLogDb"/>.</summary>
internal sealed class SyncLogDbWriter(SyncLogDb db) : ILogWriter
{
    public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
        Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries) =>
        db.AppendValidatedBatchAsync(entries, joinLate, maxEntries);

    public Task<ReplicationResult> ReplicateAsync(PreparedReplication set) => db.ReplicateAsync(set);

    public Task<(long LatestSequence, long VacuumedThroughSequence)> ResyncFromAsync(long sequence, SyncLogChecksum? checksum) =>
        checksum is { } known ? db.ResyncFromAsync(sequence, known) : db.ResyncFromAsync(sequence);

    public Task<long> LatestSequenceAsync() => db.LatestSequenceAsync();
}
