using Microsoft.Data.Sqlite;

namespace SyncLog.Storage.Tests;

public sealed class AppendSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_new_log_is_empty_and_reports_sequence_zero()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.Equal(0, await db.LatestSequenceAsync());
        Assert.Equal(0, await db.CountAsync());
        Assert.Equal(0, await db.OldestSequenceAsync());
        Assert.True(File.Exists(Path.Combine(_dir.Path, "libraries", _library.ToString(), "sync.db")));
        Assert.Equal(db.FilePath, SyncLogDb.PathFor(_library, _dir.Path));
    }

    [Fact]
    public async Task Appends_get_sequences_from_1_without_gaps()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        var sequences = new List<long>();
        for (var i = 0; i < 5; i++)
            sequences.Add(await db.AppendAsync(Entries.New(i)));

        Assert.Equal([1, 2, 3, 4, 5], sequences);
        Assert.Equal(5, await db.LatestSequenceAsync());
        Assert.Equal([1L, 2, 3, 4, 5], Raw.Sequences(db.FilePath));
    }

    [Fact]
    public async Task A_batch_gets_contiguous_sequences_after_single_appends()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendAsync(Entries.New());

        var sequences = await db.AppendBatchAsync(Entries.Many(4));

        Assert.Equal([2L, 3, 4, 5], sequences);
        Assert.Equal(5, await db.CountAsync());
    }

    [Fact]
    public async Task Stored_row_holds_every_field_as_given()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var entry = new NewSyncLogEntry("device-b", Entries.T0, "bulk_operation", "2f1c6a3e-9a55-4e0e-b3c1-7f7a0f6d1b2a",
            ChangeType.BulkInsert, """{"count":3}""", Version: 4);

        var sequence = await db.AppendAsync(entry);
        var stored = Assert.Single((await db.FetchSinceAsync(0, 10)).Entries);

        Assert.Equal(new SyncLogEntry(stored.Id, sequence, "device-b", Entries.T0, "bulk_operation",
            "2f1c6a3e-9a55-4e0e-b3c1-7f7a0f6d1b2a", ChangeType.BulkInsert, 4, """{"count":3}""", stored.Checksum), stored);
        Assert.NotNull(stored.Checksum);
        Assert.Equal(["bulk_insert"], Raw.Column(db.FilePath, "SELECT change_type FROM sync_log"));
    }

    [Fact]
    public async Task Concurrent_appends_get_every_sequence_exactly_once()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path,
            new SyncLogDbOptions { Synchronous = SynchronousMode.Normal });

        var tasks = Enumerable.Range(0, 8).Select(p => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var i = 0; i < 50; i++)
                mine.Add(await db.AppendAsync(Entries.New(i, device: $"producer-{p}")));
            return mine;
        }));
        var all = (await Task.WhenAll(tasks)).SelectMany(s => s).Order().ToList();

        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), all);
        Assert.Equal(all, Raw.Sequences(db.FilePath));
    }

    [Fact]
    public async Task A_batch_that_fails_on_a_constraint_writes_nothing_and_consumes_no_sequence()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(3));
        // Someone outside the log takes sequence 5, so the third row of the next batch (4, 5, 6) collides.
        Raw.Execute(db.FilePath, "INSERT INTO sync_log (sequence, device_id, timestamp, model_type, record_id, change_type, data) VALUES (5, 'x', 't', 'm', 'r', 'insert', '{}')");

        await Assert.ThrowsAsync<SqliteException>(() => db.AppendBatchAsync(Entries.Many(3)));

        Assert.Equal([1L, 2, 3, 5], Raw.Sequences(db.FilePath).Order());
        Assert.Equal(3, await db.LatestSequenceAsync());
        Raw.Execute(db.FilePath, "DELETE FROM sync_log WHERE sequence = 5");
        Assert.Equal(4, await db.AppendAsync(Entries.New()));
    }

    [Fact]
    public async Task Entries_that_join_late_get_the_following_sequences_in_the_same_transaction()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var late = new Queue<IReadOnlyList<NewSyncLogEntry>>([Entries.Many(2, start: 10), Entries.Many(5, start: 20)]);
        var rooms = new List<int>();

        var sequences = await db.AppendValidatedBatchAsync(Entries.Many(3), room =>
        {
            rooms.Add(room);
            return late.Count > 0 ? late.Dequeue() : [];
        }, maxEntries: 10);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), sequences);
        Assert.Equal([7, 5], rooms); // asked again while there was room; not asked once the cap was reached
        Assert.Equal(Entries.Many(3).Concat(Entries.Many(2, start: 10)).Concat(Entries.Many(5, start: 20)).Select(e => e.Data),
            (await db.FetchSinceAsync(0, 100)).Entries.Select(e => e.Data));
    }

    [Fact]
    public async Task The_latest_sequence_survives_closing_and_reopening()
    {
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
            await db.AppendBatchAsync(Entries.Many(7));

        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.Equal(7, await reopened.LatestSequenceAsync());
        Assert.Equal(8, await reopened.AppendAsync(Entries.New()));
    }

    [Fact]
    public async Task An_acknowledged_append_is_on_disk_before_the_log_is_closed()
    {
        var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(3));

        // Copy the files as a crash would leave them: the log is still open and never checkpointed or closed.
        var crashDir = Path.Combine(_dir.Path, "crash-copy");
        var crashDb = SyncLogDb.PathFor(_library, crashDir);
        Directory.CreateDirectory(Path.GetDirectoryName(crashDb)!);
        foreach (var suffix in new[] { "", "-wal" })
            File.Copy(db.FilePath + suffix, crashDb + suffix);
        await db.DisposeAsync();

        await using var recovered = await SyncLogDb.OpenAsync(_library, crashDir);
        Assert.Equal(3, await recovered.LatestSequenceAsync());
        Assert.Equal([1L, 2, 3], (await recovered.FetchSinceAsync(0, 10)).Entries.Select(e => e.Sequence));
    }
}
