namespace SyncLog.Storage;

/// <summary>
/// A stored row of <c>sync_log</c>: a change with its assigned, library-wide <paramref name="Sequence"/>.
/// <paramref name="Timestamp"/> is always UTC (offset zero) as stored.
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
    string Data);
