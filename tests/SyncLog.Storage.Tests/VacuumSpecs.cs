namespace SyncLog.Storage.Tests;

public sealed class VacuumSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Vacuum_removes_entries_older_than_the_cutoff_and_reports_how_many()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(10)); // T0 + 0s .. T0 + 9s

        var removed = await db.VacuumOldEntriesAsync(Entries.T0.AddSeconds(4));

        Assert.Equal(4, removed);
        Assert.Equal([5L, 6, 7, 8, 9, 10], Raw.Sequences(db.FilePath));
        Assert.Equal(5, await db.OldestSequenceAsync());
        Assert.Equal(4, db.VacuumedThroughSequence);
    }

    [Fact]
    public async Task Append_after_full_vacuum_continues_the_sequence()
    {
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
            await db.AppendBatchAsync(Entries.Many(5));
            Assert.Equal(5, await db.VacuumOldEntriesAsync(Entries.T0.AddDays(1)));
            Assert.Equal(0, await db.CountAsync());
            Assert.Equal(5, await db.LatestSequenceAsync());
        }

        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);
        Assert.Equal(5, await reopened.LatestSequenceAsync());
        Assert.Equal(6, await reopened.AppendAsync(Entries.New()));
    }

    [Fact]
    public async Task Vacuum_removes_only_a_prefix_so_no_hole_opens()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendAsync(Entries.New(at: Entries.T0));
        await db.AppendAsync(Entries.New(at: Entries.T0.AddHours(2)));
        // Logged late: an old change from a device that was offline.
        await db.AppendAsync(Entries.New(at: Entries.T0.AddMinutes(1)));

        var removed = await db.VacuumOldEntriesAsync(Entries.T0.AddHours(1));

        Assert.Equal(1, removed);
        Assert.Equal([2L, 3], Raw.Sequences(db.FilePath));
    }

    [Fact]
    public async Task Vacuum_in_small_chunks_removes_everything_expired()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { VacuumChunkSize = 3 });
        await db.AppendBatchAsync(Entries.Many(20));

        Assert.Equal(17, await db.VacuumOldEntriesAsync(Entries.T0.AddSeconds(17)));
        Assert.Equal([18L, 19, 20], Raw.Sequences(db.FilePath));
    }

    [Fact]
    public async Task Vacuum_with_nothing_expired_removes_nothing()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(3));

        Assert.Equal(0, await db.VacuumOldEntriesAsync(Entries.T0.AddDays(-30)));
        Assert.Equal(3, await db.CountAsync());
        Assert.Equal(0, db.VacuumedThroughSequence);
    }

    [Fact]
    public async Task Vacuum_compares_instants_not_local_clock_text()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var plusFive = TimeSpan.FromHours(5);
        // 10:00+05:00 is 05:00Z, 09:00+00:00 is 09:00Z: the first is older though its local text is later.
        await db.AppendAsync(Entries.New(at: new DateTimeOffset(2026, 11, 24, 10, 0, 0, plusFive)));
        await db.AppendAsync(Entries.New(at: new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)));

        var removed = await db.VacuumOldEntriesAsync(new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero));

        Assert.Equal(1, removed);
        Assert.Equal([2L], Raw.Sequences(db.FilePath));
    }

    [Fact]
    public async Task Vacuum_gives_the_space_of_removed_entries_back_to_the_file_system()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path,
            new SyncLogDbOptions { Synchronous = SynchronousMode.Normal, IncrementalVacuumPages = 500 });
        for (var start = 0; start < 60_000; start += 5_000)
            await db.AppendBatchAsync(Enumerable.Range(start, 5_000).Select(i => Entries.New(i, at: Entries.T0)).ToList());
        await db.AppendAsync(Entries.New(at: Entries.T0.AddDays(1)));
        var sizeBefore = new FileInfo(db.FilePath).Length + new FileInfo(db.FilePath + "-wal").Length;

        Assert.Equal(60_000, await db.VacuumOldEntriesAsync(Entries.T0.AddHours(1)));

        var sizeAfter = new FileInfo(db.FilePath).Length + new FileInfo(db.FilePath + "-wal").Length;
        Assert.True(sizeBefore > 10_000_000, $"{sizeBefore} bytes before vacuum");
        Assert.True(sizeAfter < sizeBefore / 20, $"sync.db and its WAL take {sizeAfter} bytes after vacuum, {sizeBefore} before");
        Assert.Equal(0L, Raw.Scalar(db.FilePath, "PRAGMA freelist_count"));
        Assert.Equal(60_002, await db.AppendAsync(Entries.New()));
        Assert.Equal("ok", Raw.Scalar(db.FilePath, "PRAGMA integrity_check"));
    }
}
