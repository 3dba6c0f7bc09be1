using SyncLog.Storage.Schema;

namespace SyncLog.Storage.Tests;

public sealed class ChainMigrationSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    // A file as a v4 build left it: rows 4..(3 + count), entries 1..3 vacuumed.
    private string CreateVersion4File(int count)
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = Raw.Open(path, readOnly: false))
            Migrator.Migrate(connection, path, targetVersion: 4);
        var rows = string.Join(",\n", Enumerable.Range(4, count).Select(i =>
            $"({i}, 'd{i % 3}', '2026-11-24T09:30:{i % 60:00}.0000000Z', 'tag', 'r{i}', 'insert', {i}, '{{\"n\":{i}}}')"));
        Raw.Execute(path, $"""
            INSERT INTO sync_log (sequence, device_id, timestamp, model_type, record_id, change_type, version, data) VALUES
            {rows};
            UPDATE sync_log_state SET latest_sequence = {3 + count}, vacuumed_through_sequence = 3;
            """);
        return path;
    }

    [Fact]
    public async Task A_version_4_file_gets_every_rows_checksum_chained_from_its_vacuum_floor()
    {
        var path = CreateVersion4File(20);

        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.Equal((long)Migrations.LatestVersion, Raw.Scalar(path, "PRAGMA user_version"));
        var entries = (await db.FetchSinceAsync(3, 100)).Entries;
        var previous = SyncLogChecksum.Zero;
        foreach (var e in entries)
        {
            previous = ChecksumChain.Next(previous, e);
            Assert.Equal(previous, e.Checksum);
        }

        Assert.Equal(SyncLogChecksum.Zero, await db.ChecksumAtAsync(3));
        Assert.Equal(new ChainHead(23, previous, 3), await db.ChainHeadAsync());
        Assert.True((await db.VerifyChainAsync()).IsIntact);
        await db.AppendAsync(Entries.New());
        Assert.True((await db.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task Reopening_a_migrated_file_changes_nothing()
    {
        var path = CreateVersion4File(5);
        await using (await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
        }

        var rows = Raw.Column(path, "SELECT sequence || ':' || hex(checksum) FROM sync_log_checksum ORDER BY sequence");
        var bytes = await File.ReadAllBytesAsync(path);
        await using (await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
        }

        Assert.Equal(6, rows.Count);
        Assert.Equal(rows, Raw.Column(path, "SELECT sequence || ':' || hex(checksum) FROM sync_log_checksum ORDER BY sequence"));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_backfill_that_fails_half_way_leaves_the_file_at_version_4_and_the_next_open_completes_it()
    {
        var path = CreateVersion4File(2000);
        using (var connection = Raw.Open(path, readOnly: false))
        {
            // Room for the new table's root page and one more: the backfill runs out of space part-way.
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT page_count FROM pragma_page_count";
            var pages = (long)command.ExecuteScalar()!;
            command.CommandText = $"PRAGMA max_page_count = {pages + 2}";
            command.ExecuteNonQuery();

            var error = Assert.ThrowsAny<Exception>(() => Migrator.Migrate(connection, path));
            Assert.Contains("full", error.Message, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(4L, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.Equal(0L, Raw.Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sync_log_checksum'"));

        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        Assert.Equal((long)Migrations.LatestVersion, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.Equal(2001L, Raw.Scalar(path, "SELECT COUNT(*) FROM sync_log_checksum"));
        Assert.True((await db.VerifyChainAsync()).IsIntact);
    }
}
