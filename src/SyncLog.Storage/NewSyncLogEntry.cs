namespace SyncLog.Storage;

/// <summary>
/// A change a caller appends to the log; the log assigns its sequence.
/// <paramref name="DeviceId"/> is the device that made the change, <paramref name="Data"/> a JSON payload.
/// <paramref name="IdempotencyKey"/>, when set, makes a retried append return the sequence it was first given
/// instead of writing the entry again (within the library's idempotency window).
/// </summary>
public sealed record NewSyncLogEntry(
    string DeviceId,
    DateTimeOffset Timestamp,
    string ModelType,
    string RecordId,
    ChangeType ChangeType,
    string Data,
    long Version = 1,
    string? IdempotencyKey = null);
