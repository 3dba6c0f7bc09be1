namespace SyncLog.Storage.Schema;

/// <summary>Every schema step this build knows, in order. Append new steps; never edit a shipped one.</summary>
internal static class Migrations
{
    public static readonly Migration V1SyncLogTable = new(1, "sync_log table and its four indexes",
    [
        """
        CREATE TABLE sync_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            sequence INTEGER NOT NULL UNIQUE,
            device_id TEXT,
            timestamp TEXT,
            model_type TEXT,
            record_id TEXT,
            change_type TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            data TEXT
        )
        """,
        "CREATE INDEX idx_sync_log_sequence ON sync_log(sequence)",
        "CREATE INDEX idx_sync_log_device ON sync_log(device_id)",
        "CREATE INDEX idx_sync_log_model_record ON sync_log(model_type, record_id)",
        "CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp)",
    ]);

    // The high-water mark must outlive the rows (a full vacuum must not let sequences restart), and the
    // vacuum floor tells readers when they asked for entries that no longer exist. Seeded from the rows
    // so that a v1 file keeps its sequence.
    public static readonly Migration V2LogState = new(2, "sync_log_state: high-water sequence and vacuum floor",
    [
        """
        CREATE TABLE sync_log_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            latest_sequence INTEGER NOT NULL,
            vacuumed_through_sequence INTEGER NOT NULL
        )
        """,
        """
        INSERT INTO sync_log_state (id, latest_sequence, vacuumed_through_sequence)
        SELECT 1, COALESCE(MAX(sequence), 0), COALESCE(MIN(sequence) - 1, 0) FROM sync_log
        """,
    ]);

    public static readonly IReadOnlyList<Migration> All = [V1SyncLogTable, V2LogState];

    public static int LatestVersion => All[^1].Version;
}
