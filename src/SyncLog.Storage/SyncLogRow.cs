using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>The column list every entry query selects, and how a row of it becomes a <see cref="SyncLogEntry"/>.</summary>
internal static class SyncLogRow
{
    // The checksum through a correlated primary-key lookup, not a join: every query's WHERE names sync_log's columns
    // unqualified, and sync_log_checksum has a sequence column too.
    public const string Columns =
        "id, sequence, device_id, timestamp, model_type, record_id, change_type, version, data, " +
        "(SELECT checksum FROM sync_log_checksum WHERE sync_log_checksum.sequence = sync_log.sequence)";

    public static SyncLogEntry Read(SqliteDataReader reader) => new(
        Id: reader.GetInt64(0),
        Sequence: reader.GetInt64(1),
        DeviceId: reader.GetString(2),
        Timestamp: UtcTimestamp.Parse(reader.GetString(3)),
        ModelType: reader.GetString(4),
        RecordId: reader.GetString(5),
        ChangeType: ChangeTypeText.Parse(reader.GetString(6)),
        Version: reader.GetInt64(7),
        Data: reader.GetString(8),
        Checksum: reader.IsDBNull(9) ? null : SyncLogChecksum.FromBytes((byte[])reader.GetValue(9)));

    /// <summary>True when two entries record the same change at the same sequence; the local row id is not compared.</summary>
    public static bool SameChange(SyncLogEntry a, SyncLogEntry b) =>
        a.Sequence == b.Sequence
        && a.DeviceId == b.DeviceId
        && a.Timestamp.UtcTicks == b.Timestamp.UtcTicks
        && a.ModelType == b.ModelType
        && a.RecordId == b.RecordId
        && a.ChangeType == b.ChangeType
        && a.Version == b.Version
        && a.Data == b.Data;
}
