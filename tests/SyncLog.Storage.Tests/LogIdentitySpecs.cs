using SyncLog.Storage.Schema;

namespace SyncLog.Storage.Tests;

public sealed class LogIdentitySpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_new_file_gets_a_random_log_id_stored_in_the_file()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.NotEqual(Guid.Empty, db.LogId);
        Assert.Equal(db.LogId.ToString("D"), Raw.Scalar(db.FilePath, "SELECT log_id FROM sync_log_identity"));
        Assert.Equal(db.LogId, (await db.StatsAsync()).LogId);
    }

    [Fact]
    public async Task Reopening_keeps_the_log_id_and_a_read_only_open_sees_it_too()
    {
        Guid first;
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
            await db.AppendAsync(Entries.New());
            first = db.LogId;
        }

        await using (var again = await SyncLogDb.OpenAsync(_library, _dir.Path))
            Assert.Equal(first, again.LogId);
        await using var readOnly = await SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { ReadOnly = true });
        Assert.Equal(first, readOnly.LogId);
    }

    [Fact]
    public async Task A_recreated_file_gets_a_new_log_id()
    {
        Guid first;
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
            first = db.LogId;
        Directory.Delete(Path.GetDirectoryName(SyncLogDb.PathFor(_library, _dir.Path))!, recursive: true);

        await using var recreated = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.NotEqual(Guid.Empty, recreated.LogId);
        Assert.NotEqual(first, recreated.LogId);
    }

    [Fact]
    public async Task Two_libraries_have_different_log_ids()
    {
        await using var one = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await using var two = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);

        Assert.NotEqual(one.LogId, two.LogId);
    }

    [Fact]
    public async Task A_version_5_file_keeps_everything_and_gets_a_log_id_once()
    {
        var path = CreateVersion5File();
        var rowsBefore = Raw.Column(path, RowsSql);
        var checksumsBefore = Raw.Column(path, ChecksumsSql);
        Assert.Equal(5L, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.Equal(0L, Raw.Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sync_log_identity'"));

        Guid logId;
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
            logId = db.LogId;
            Assert.Equal((long)Migrations.LatestVersion, Raw.Scalar(path, "PRAGMA user_version"));
            Assert.Equal(rowsBefore, Raw.Column(path, RowsSql));
            Assert.Equal(checksumsBefore, Raw.Column(path, ChecksumsSql));
            Assert.Equal(6, await db.LatestSequenceAsync());
            Assert.True((await db.VerifyChainAsync()).IsIntact);
            Assert.Equal(7, await db.AppendAsync(Entries.New(7)));
        }

        Assert.NotEqual(Guid.Empty, logId);
        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);
        Assert.Equal(logId, reopened.LogId);
        Assert.Equal(1L, Raw.Scalar(path, "SELECT COUNT(*) FROM sync_log_identity"));
    }

    private const string RowsSql = "SELECT sequence || ':' || record_id FROM sync_log ORDER BY sequence";

    private const string ChecksumsSql = "SELECT sequence || ':' || hex(checksum) FROM sync_log_checksum ORDER BY sequence";

    // A file as a v5 build left it: six rows, their checksums backfilled by the v5 step.
    private string CreateVersion5File()
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = Raw.Open(path, readOnly: false))
            Migrator.Migrate(connection, path, targetVersion: 4);
        var rows = string.Join(",\n", Enumerable.Range(1, 6).Select(i =>
            $"({i}, 'd', '2026-11-24T09:30:0{i}.0000000Z', 'tag', 'r{i}', 'insert', 1, '{{}}')"));
        Raw.Execute(path, $"""
            INSERT INTO sync_log (sequence, device_id, timestamp, model_type, record_id, change_type, version, data) VALUES
            {rows};
            UPDATE sync_log_state SET latest_sequence = 6;
            """);
        using (var connection = Raw.Open(path, readOnly: false))
            Migrator.Migrate(connection, path, targetVersion: 5);
        return path;
    }
}
