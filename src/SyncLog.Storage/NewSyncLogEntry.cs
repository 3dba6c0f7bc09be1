namespace SyncLog.Storage;

/// <summary>
/// A change a caller appends to the log; the log assigns its sequence.
/// <paramref name="DeviceId"/> is the device that made the change, <paramref name="Data"/> a JSON payload.
/// </summary>
public sealed record NewSyncLogEntry(
    string DeviceId,
    DateTimeOffset Timestamp,
    string ModelType,
    string RecordId,
    ChangeType ChangeType,
    string Data,
    long Version = 1);
