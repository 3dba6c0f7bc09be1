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
