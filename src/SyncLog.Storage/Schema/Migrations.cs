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

    // SQLite cannot add NOT NULL to a column in place, so this is its documented 12-step table rebuild
    // (https://www.sqlite.org/lang_altertable.html#otheralter): create the new table, copy every row with its id, drop
    // the old one, rename, recreate the indexes. There are no foreign keys, triggers or views to carry over.
    // Dropping sync_log drops its sqlite_sequence row, so the AUTOINCREMENT high-water mark (which may be above
    // MAX(id) after a vacuum) is carried across by hand: an id is never reused. Rows with NULLs are refused
    // before this runs (Migrator.ThrowIfNotMigratable), so the copy cannot fail on them halfway.
    public static readonly Migration V3NotNullColumns = new(3, "sync_log rebuilt with NOT NULL on every column, as declared",
    [
        """
        CREATE TABLE sync_log_v3 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            sequence INTEGER NOT NULL UNIQUE,
            device_id TEXT NOT NULL,
            timestamp TEXT NOT NULL,
            model_type TEXT NOT NULL,
            record_id TEXT NOT NULL,
            change_type TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            data TEXT NOT NULL
        )
        """,
        """
        INSERT INTO sync_log_v3 (id, sequence, device_id, timestamp, model_type, record_id, change_type, version, data)
        SELECT id, sequence, device_id, timestamp, model_type, record_id, change_type, version, data FROM sync_log ORDER BY id
        """,
        "DELETE FROM sqlite_sequence WHERE name = 'sync_log_v3'",
        """
        INSERT INTO sqlite_sequence (name, seq)
        SELECT 'sync_log_v3', MAX(
            COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'sync_log'), 0),
            COALESCE((SELECT MAX(id) FROM sync_log_v3), 0))
        """,
        "DROP TABLE sync_log",
        "ALTER TABLE sync_log_v3 RENAME TO sync_log",
        "CREATE INDEX idx_sync_log_sequence ON sync_log(sequence)",
        "CREATE INDEX idx_sync_log_device ON sync_log(device_id)",
        "CREATE INDEX idx_sync_log_model_record ON sync_log(model_type, record_id)",
        "CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp)",
    ]);

    // The idempotency window: a key maps to the sequence its entry was first given. Keys are recorded once, with a
    // new row, so their sequences are unique and order them by age: pruning deletes the lowest.
    public static readonly Migration V4IdempotencyWindow = new(4, "sync_log_idempotency: recent idempotency keys",
    [
        """
        CREATE TABLE sync_log_idempotency (
            key TEXT PRIMARY KEY,
            sequence INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        "CREATE UNIQUE INDEX idx_sync_log_idempotency_sequence ON sync_log_idempotency(sequence)",
    ]);

    // The rolling checksum beside sync_log, which stays exactly as declared. One row per stored entry plus one at the
    // vacuum floor (the chain's base), so a vacuumed log still continues its chain. Backfilled here for the rows a v4
    // file holds, in this step's single transaction: a crash leaves v4 (nothing of it) or v5 (all of it).
    public static readonly Migration V5ChecksumChain = new(5, "sync_log_checksum: rolling checksum per entry",
    [
        """
        CREATE TABLE sync_log_checksum (
            sequence INTEGER PRIMARY KEY,
            checksum BLOB NOT NULL
        )
        """,
    ], ChecksumBackfill.Run);

    // The log's identity: a random GUID per file, given here to new and existing files alike (in C#: SQLite has no
    // GUID function). A follower that wipes its sync.db gets a new one, so a leader can tell its old acknowledgements
    // from its current ones. One row, like sync_log_state.
    public static readonly Migration V6LogIdentity = new(6, "sync_log_identity: the log's random id",
    [
        """
        CREATE TABLE sync_log_identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            log_id TEXT NOT NULL
        )
        """,
    ], LogIdentity.Create);

    // Retention that waits for followers: each follower device's acknowledged sequence, under the log id it acked
    // with, and the log ids that must never count again (a forgotten device's, a reset device's old one). Keyed by
    // log id alone: log ids are random GUIDs, one per file.
    public static readonly Migration V7Followers = new(7, "sync_log_followers and sync_log_retired_logs: follower acks",
    [
        """
        CREATE TABLE sync_log_followers (
            device_id TEXT PRIMARY KEY,
            log_id TEXT NOT NULL,
            acked_sequence INTEGER NOT NULL,
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE sync_log_retired_logs (
            log_id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (reason IN ('forgotten', 'replaced')),
            retired_at TEXT NOT NULL
        ) WITHOUT ROWID
        """,
    ]);

    // Handover: what this host learned from another leader about that leader's followers, so that after a fail-over it
    // vacuums nothing they still need before they ack it. Holds, not acks: no log ids (a served leader does not give
    // them out), and the whole set is replaced by each report, so a device the leader forgot goes too.
    public static readonly Migration V8LearnedFollowers = new(8, "sync_log_learned_followers: followers learned from another leader",
    [
        """
        CREATE TABLE sync_log_learned_followers (
            device_id TEXT PRIMARY KEY,
            acked_sequence INTEGER NOT NULL,
            last_ack_at TEXT NOT NULL,
            learned_from TEXT NOT NULL,
            learned_at TEXT NOT NULL
        ) WITHOUT ROWID
        """,
    ]);

    // The leader term of the report the learned set came from: a report of an older term (a deposed leader still
    // running, or an older report that lands late) is refused, so it can never replace a newer leader's set. In
    // sync_log_state because it outlives the rows (a report may be empty). 0: nothing learned yet.
    public static readonly Migration V9LearnedTerm = new(9, "sync_log_state.learned_term: the leader term of the learned followers",
    [
        "ALTER TABLE sync_log_state ADD COLUMN learned_term INTEGER NOT NULL DEFAULT 0",
    ]);

    public static readonly IReadOnlyList<Migration> All =
        [V1SyncLogTable, V2LogState, V3NotNullColumns, V4IdempotencyWindow, V5ChecksumChain, V6LogIdentity, V7Followers,
            V8LearnedFollowers, V9LearnedTerm];

    public static int LatestVersion => All[^1].Version;
}
