namespace SyncLog.Storage.Tests;

public sealed class SchemaSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_sync_log_table_has_the_declared_columns()
    {
        string path;
        await using (var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path))
            path = db.FilePath;

        var columns = Raw.Column(path, "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || COALESCE(dflt_value, '-') || ' ' || pk FROM pragma_table_info('sync_log')");

        Assert.Equal(
        [
            "id INTEGER 0 - 1",
            "sequence INTEGER 1 - 0",
            "device_id TEXT 1 - 0",
            "timestamp TEXT 1 - 0",
            "model_type TEXT 1 - 0",
            "record_id TEXT 1 - 0",
            "change_type TEXT 1 - 0",
            "version INTEGER 1 1 0",
            "data TEXT 1 - 0",
        ], columns);
        Assert.Contains("AUTOINCREMENT", (string)Raw.Scalar(path, "SELECT sql FROM sqlite_master WHERE name = 'sync_log'")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_file_uses_incremental_auto_vacuum_from_the_start()
    {
        string path;
        await using (var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path))
            path = db.FilePath;

        Assert.Equal(2L, Raw.Scalar(path, "PRAGMA auto_vacuum"));
    }

    [Fact]
    public async Task The_idempotency_window_table_has_its_key_and_sequence()
    {
        string path;
        await using (var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path))
            path = db.FilePath;

        Assert.Equal(["key TEXT 1 1", "sequence INTEGER 1 0"],
            Raw.Column(path, "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || pk FROM pragma_table_info('sync_log_idempotency')"));
        Assert.Equal(["idx_sync_log_idempotency_sequence(sequence) unique", "sqlite_autoindex_sync_log_idempotency_1(key) unique"],
            Raw.Column(path, """
                SELECT il.name || '(' || (SELECT group_concat(name, ', ') FROM pragma_index_info(il.name)) || ')' || iif(il."unique", ' unique', '')
                FROM pragma_index_list('sync_log_idempotency') il ORDER BY il.name
                """));
    }

    [Fact]
    public async Task The_four_named_indexes_and_the_unique_sequence_exist()
    {
        string path;
        await using (var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path))
            path = db.FilePath;

        var indexes = Raw.Column(path, """
            SELECT il.name || '(' || (SELECT group_concat(name, ', ') FROM pragma_index_info(il.name)) || ')' || iif(il."unique", ' unique', '')
            FROM pragma_index_list('sync_log') il ORDER BY il.name
            """);

        Assert.Equal(
        [
            "idx_sync_log_device(device_id)",
            "idx_sync_log_model_record(model_type, record_id)",
            "idx_sync_log_sequence(sequence)",
            "idx_sync_log_timestamp(timestamp)",
            "sqlite_autoindex_sync_log_1(sequence) unique",
        ], indexes);
    }

    [Fact]
    public async Task The_file_opens_in_the_sqlite3_shell_passes_integrity_check_and_shows_the_schema()
    {
        string path;
        await using (var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path))
        {
            await db.AppendBatchAsync(Entries.Many(50));
            path = db.FilePath;
        }

        Assert.Equal("ok", Sqlite3Cli.Run(path, "PRAGMA integrity_check;"));
        Assert.Equal("50", Sqlite3Cli.Run(path, "SELECT COUNT(*) FROM sync_log;"));
        var schema = Sqlite3Cli.Run(path, ".schema sync_log");
        // The v3 rebuild renames its new table into place, and SQLite stores a renamed table's name quoted.
        Assert.Contains("CREATE TABLE IF NOT EXISTS \"sync_log\" (", schema, StringComparison.Ordinal);
        foreach (var column in new[]
                 {
                     "id INTEGER PRIMARY KEY AUTOINCREMENT,", "sequence INTEGER NOT NULL UNIQUE,", "device_id TEXT NOT NULL,",
                     "timestamp TEXT NOT NULL,", "model_type TEXT NOT NULL,", "record_id TEXT NOT NULL,",
                     "change_type TEXT NOT NULL,", "version INTEGER NOT NULL DEFAULT 1,", "data TEXT NOT NULL",
                 })
            Assert.Contains(column, schema, StringComparison.Ordinal);
        foreach (var index in new[]
                 {
                     "CREATE INDEX idx_sync_log_sequence ON sync_log(sequence);",
                     "CREATE INDEX idx_sync_log_device ON sync_log(device_id);",
                     "CREATE INDEX idx_sync_log_model_record ON sync_log(model_type, record_id);",
                     "CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp);",
                 })
            Assert.Contains(index, schema, StringComparison.Ordinal);
    }
}
