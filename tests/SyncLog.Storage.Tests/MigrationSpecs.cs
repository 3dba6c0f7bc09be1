using System.Security.Cryptography;
using SyncLog.Storage.Schema;

namespace SyncLog.Storage.Tests;

public sealed class MigrationSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_new_file_is_at_the_latest_schema_version()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.Equal((long)Migrations.LatestVersion, Raw.Scalar(db.FilePath, "PRAGMA user_version"));
    }

    [Fact]
    public async Task Opening_an_up_to_date_file_again_changes_nothing()
    {
        string path;
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
            await db.AppendBatchAsync(Entries.Many(3));
            path = db.FilePath;
        }

        var schemaBefore = Raw.Column(path, "SELECT sql FROM sqlite_master ORDER BY name");
        var hashBefore = Hash(path);
        await using (await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
        }

        Assert.Equal(schemaBefore, Raw.Column(path, "SELECT sql FROM sqlite_master ORDER BY name"));
        Assert.Equal(hashBefore, Hash(path));
        Assert.Equal([1L, 2, 3], Raw.Sequences(path));
    }

    [Fact]
    public async Task A_file_from_a_newer_build_is_refused_and_left_untouched()
    {
        await using (await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
        }

        var path = SyncLogDb.PathFor(_library, _dir.Path);
        var future = Migrations.LatestVersion + 1;
        Raw.Execute(path, "PRAGMA journal_mode = DELETE");
        Raw.Execute(path, $"PRAGMA user_version = {future}");
        var hashBefore = Hash(path);

        var error = await Assert.ThrowsAsync<SyncLogSchemaException>(() => SyncLogDb.OpenAsync(_library, _dir.Path));

        Assert.Equal(future, error.FileVersion);
        Assert.Contains($"schema version {future}", error.Message, StringComparison.Ordinal);
        Assert.Equal(hashBefore, Hash(path));
        Assert.Equal("delete", Raw.Scalar(path, "PRAGMA journal_mode"));
        // The failed open released the lock.
        Raw.Execute(path, $"PRAGMA user_version = {Migrations.LatestVersion}");
        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);
    }

    [Fact]
    public async Task A_version_1_file_is_upgraded_and_keeps_its_sequence()
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = Raw.Open(path, readOnly: false))
        {
            Migrator.Migrate(connection, path, targetVersion: 1);
        }

        // Rows as a v1 build wrote them: no state table, the high-water mark was MAX(sequence).
        Raw.Execute(path, """
            INSERT INTO sync_log (sequence, device_id, timestamp, model_type, record_id, change_type, data) VALUES
            (1, 'd', '2026-11-24T09:30:00.0000000Z', 'tag', 'r1', 'insert', '{}'),
            (2, 'd', '2026-11-24T09:31:00.0000000Z', 'tag', 'r1', 'update', '{}')
            """);
        Assert.Equal(1L, Raw.Scalar(path, "PRAGMA user_version"));

        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.Equal((long)Migrations.LatestVersion, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.Equal(2, await db.LatestSequenceAsync());
        Assert.Equal(3, await db.AppendAsync(Entries.New()));
        Assert.Equal(2, (await db.FetchByRecordAsync("tag", "r1", 10)).Count);
    }

    private const string RowsSql =
        "SELECT id || '|' || sequence || '|' || device_id || '|' || timestamp || '|' || model_type || '|' || record_id || '|' || change_type || '|' || version || '|' || data FROM sync_log ORDER BY id";

    // A file as a v2 build left it: v1 columns without NOT NULL, rows with gaps in their ids, a vacuum floor, and an
    // AUTOINCREMENT mark above MAX(id) (ids used by rows since removed).
    private string CreateVersion2File(string? extraRows = null)
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = Raw.Open(path, readOnly: false))
            Migrator.Migrate(connection, path, targetVersion: 2);
        Raw.Execute(path, $"""
            INSERT INTO sync_log (id, sequence, device_id, timestamp, model_type, record_id, change_type, version, data) VALUES
            (3, 3, 'd1', '2026-11-24T09:30:00.0000000Z', 'tag', 'r1', 'insert', 1, '{"{"}"a":1{"}"}'),
            (7, 4, 'd2', '2026-11-24T09:31:00.0000000Z', 'album', 'r2', 'update', 2, '[1,2]'),
            (8, 5, 'd1', '2026-11-24T09:32:00.0000000Z', 'tag', 'r1', 'delete', 3, 'null')
            {extraRows};
            UPDATE sqlite_sequence SET seq = 20 WHERE name = 'sync_log';
            UPDATE sync_log_state SET latest_sequence = 9, vacuumed_through_sequence = 2;
            """);
        return path;
    }

    [Fact]
    public async Task A_version_2_file_is_rebuilt_to_the_declared_schema_keeping_rows_ids_sequences_and_state()
    {
        var path = CreateVersion2File();
        var rowsBefore = Raw.Column(path, RowsSql);
        Assert.Equal(0L, Raw.Scalar(path, "PRAGMA auto_vacuum"));

        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
            Assert.Equal(9, await db.LatestSequenceAsync());
            Assert.Equal(2, db.VacuumedThroughSequence);
        }

        Assert.Equal((long)Migrations.LatestVersion, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.Equal(rowsBefore, Raw.Column(path, RowsSql));
        Assert.Equal(["9 2"], Raw.Column(path, "SELECT latest_sequence || ' ' || vacuumed_through_sequence FROM sync_log_state"));
        Assert.Equal(20L, Raw.Scalar(path, "SELECT seq FROM sqlite_sequence WHERE name = 'sync_log'"));
        Assert.Equal(2L, Raw.Scalar(path, "PRAGMA auto_vacuum"));
        Assert.Equal("ok", Raw.Scalar(path, "PRAGMA integrity_check"));
        // Every column but the id.
        Assert.Equal(8L, Raw.Scalar(path, "SELECT COUNT(*) FROM pragma_table_info('sync_log') WHERE \"notnull\" = 1"));
        Assert.Equal(["idx_sync_log_device", "idx_sync_log_model_record", "idx_sync_log_sequence", "idx_sync_log_timestamp", "sqlite_autoindex_sync_log_1"],
            Raw.Column(path, "SELECT name FROM pragma_index_list('sync_log') ORDER BY name"));

        // An id is never reused and the sequence continues after the old latest.
        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);
        Assert.Equal(10, await reopened.AppendAsync(Entries.New()));
        Assert.Equal(21L, Raw.Scalar(path, "SELECT id FROM sync_log WHERE sequence = 10"));
    }

    [Fact]
    public async Task A_migrated_file_reopens_without_any_change()
    {
        var path = CreateVersion2File();
        await using (await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
        }

        var hashBefore = Hash(path);
        await using (await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
        }

        Assert.Equal(hashBefore, Hash(path));
    }

    [Fact]
    public async Task A_version_2_file_holding_a_null_is_refused_naming_the_sequence_and_left_untouched()
    {
        var path = CreateVersion2File(extraRows: ",\n(9, 6, 'd1', '2026-11-24T09:33:00.0000000Z', 'tag', NULL, 'insert', 1, '{}')");
        var hashBefore = Hash(path);

        var error = await Assert.ThrowsAsync<SyncLogOpenException>(() => SyncLogDb.OpenAsync(_library, _dir.Path));

        Assert.Contains("sequence 6", error.Message, StringComparison.Ordinal);
        Assert.Contains("schema version 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(hashBefore, Hash(path));
        Assert.Equal(2L, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.False(File.Exists(path + "-wal"));
    }

    [Fact]
    public async Task A_crash_between_the_rebuild_commit_and_the_vacuum_is_finished_by_the_next_open()
    {
        var path = CreateVersion2File();
        var rowsBefore = Raw.Column(path, RowsSql);
        // The rebuild committed, the process died before VACUUM could switch auto_vacuum.
        using (var connection = Raw.Open(path, readOnly: false))
            Migrator.Migrate(connection, path, targetVersion: 3);
        Assert.Equal(3L, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.Equal(0L, Raw.Scalar(path, "PRAGMA auto_vacuum"));

        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
            Assert.Equal(9, await db.LatestSequenceAsync());

        Assert.Equal(2L, Raw.Scalar(path, "PRAGMA auto_vacuum"));
        Assert.Equal((long)Migrations.LatestVersion, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.Equal(rowsBefore, Raw.Column(path, RowsSql));
    }

    [Fact]
    public async Task A_crash_inside_the_rebuild_leaves_a_version_2_file_that_migrates_on_the_next_open()
    {
        var path = CreateVersion2File();
        var rowsBefore = Raw.Column(path, RowsSql);
        // The rebuild's transaction never committed: the file is exactly the v2 file.
        using (var connection = Raw.Open(path, readOnly: false))
        using (var transaction = connection.BeginTransaction())
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            foreach (var statement in Migrations.V3NotNullColumns.Statements.Take(5))
            {
                command.CommandText = statement;
                command.ExecuteNonQuery();
            }
        }

        Assert.Equal(2L, Raw.Scalar(path, "PRAGMA user_version"));
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
            Assert.Equal(9, await db.LatestSequenceAsync());

        Assert.Equal(rowsBefore, Raw.Column(path, RowsSql));
        Assert.Equal(2L, Raw.Scalar(path, "PRAGMA auto_vacuum"));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_reported_not_overwritten()
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, new string('x', 4096));

        var error = await Assert.ThrowsAsync<SyncLogOpenException>(() => SyncLogDb.OpenAsync(_library, _dir.Path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(new string('x', 4096), await File.ReadAllTextAsync(path));
    }

    private static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
