namespace SyncLog.Storage;

/// <summary>
/// A stored row of <c>sync_log</c>: a change with its assigned, library-wide <paramref name="Sequence"/>.
/// <paramref name="Timestamp"/> is always UTC (offset zero) as stored. <paramref name="Checksum"/> is the log's rolling
/// checksum up to this entry: set on every fetched entry; on a replicated one, the leader's, which the follower verifies
/// (null: not verified, only chained).
/// </summary>
public sealed record SyncLogEntry(
    long Id,
    long Sequence,
    string DeviceId,
    DateTimeOffset Timestamp,
    string ModelType,
    string RecordId,
    ChangeType ChangeType,
    long Version,
    string Data,
    SyncLogChecksum? Checksum = null);
