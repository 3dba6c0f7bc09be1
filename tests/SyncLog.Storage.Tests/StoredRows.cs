namespace SyncLog.Storage.Tests;

/// <summary>What a log file really holds, one text per row in sequence order, to compare two logs or a log before and after.</summary>
public static class StoredRows
{
    /// <summary>Each checksum row: sequence and checksum.</summary>
    public static List<string> Checksums(SyncLogDb db) =>
        Raw.Column(db.FilePath, "SELECT sequence || ':' || hex(checksum) FROM sync_log_checksum ORDER BY sequence");

    /// <summary>Each entry row: every column but the rowid.</summary>
    public static List<string> Entries(SyncLogDb db) =>
        Raw.Column(db.FilePath, "SELECT sequence || ':' || device_id || ':' || timestamp || ':' || model_type || ':' || record_id || ':' || change_type || ':' || version || ':' || data FROM sync_log ORDER BY sequence");
}
