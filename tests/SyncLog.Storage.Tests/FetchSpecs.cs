namespace SyncLog.Storage.Tests;

public sealed class FetchSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task FetchSince_pages_through_the_log_in_order()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(25));

        var read = new List<SyncLogEntry>();
        long since = 0;
        FetchResult page;
        do
        {
            page = await db.FetchSinceAsync(since, 10);
            read.AddRange(page.Entries);
            if (page.Entries.Count > 0)
                since = page.Entries[^1].Sequence;
        } while (page.HasMore);

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), read.Select(e => e.Sequence));
        Assert.Equal(Entries.Many(25).Select(e => e.Data), read.Select(e => e.Data));
        Assert.False(page.IsTruncated);
        Assert.Equal(25, page.LatestSequence);
    }

    [Fact]
    public async Task FetchSince_the_latest_sequence_is_empty_and_not_truncated()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(3));

        var page = await db.FetchSinceAsync(3, 100);

        Assert.Empty(page.Entries);
        Assert.False(page.IsTruncated);
        Assert.False(page.HasMore);
        Assert.Equal(3, page.LatestSequence);
    }

    [Fact]
    public async Task FetchSince_below_the_vacuum_floor_is_truncated_and_returns_no_hole()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(10));
        await db.VacuumOldEntriesAsync(Entries.T0.AddSeconds(4)); // removes 1..4

        var behind = await db.FetchSinceAsync(2, 100);
        var atFloor = await db.FetchSinceAsync(4, 100);

        Assert.True(behind.IsTruncated);
        Assert.Empty(behind.Entries);
        Assert.Equal(4, behind.VacuumedThroughSequence);
        Assert.False(atFloor.IsTruncated);
        Assert.Equal([5L, 6, 7, 8, 9, 10], atFloor.Entries.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Fetch_after_a_full_vacuum_from_zero_is_truncated()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(3));
        await db.VacuumOldEntriesAsync(Entries.T0.AddDays(1));

        var page = await db.FetchSinceAsync(0, 10);

        Assert.True(page.IsTruncated);
        Assert.Equal(3, page.LatestSequence);
        Assert.False((await db.FetchSinceAsync(3, 10)).IsTruncated);
    }

    [Fact]
    public async Task FetchByDevice_returns_one_devices_entries_after_a_sequence()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        for (var i = 0; i < 6; i++)
            await db.AppendAsync(Entries.New(i, device: i % 2 == 0 ? "laptop" : "phone"));

        var phone = await db.FetchByDeviceAsync("phone", 2, 10);

        Assert.Equal([4L, 6], phone.Select(e => e.Sequence));
        Assert.All(phone, e => Assert.Equal("phone", e.DeviceId));
    }

    [Fact]
    public async Task FetchByRecord_returns_a_records_history_oldest_first()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var record = Guid.NewGuid().ToString();
        await db.AppendAsync(Entries.New(0, model: "tag", record: record, change: ChangeType.Insert));
        await db.AppendAsync(Entries.New(1, model: "album", record: record)); // same id, other model
        await db.AppendAsync(Entries.New(2));
        await db.AppendAsync(Entries.New(3, model: "tag", record: record, change: ChangeType.Update));
        await db.AppendAsync(Entries.New(4, model: "tag", record: record, change: ChangeType.Delete));

        var history = await db.FetchByRecordAsync("tag", record, 10);
        var firstTwo = await db.FetchByRecordAsync("tag", record, 2);

        Assert.Equal([ChangeType.Insert, ChangeType.Update, ChangeType.Delete], history.Select(e => e.ChangeType));
        Assert.Equal([1L, 4], firstTwo.Select(e => e.Sequence));
    }

    [Fact]
    public async Task FetchByTimeRange_is_half_open_and_ordered_by_time()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendAsync(Entries.New(at: Entries.T0.AddMinutes(3)));
        await db.AppendAsync(Entries.New(at: Entries.T0.AddMinutes(1)));
        await db.AppendAsync(Entries.New(at: Entries.T0.AddMinutes(2)));
        await db.AppendAsync(Entries.New(at: Entries.T0.AddMinutes(4)));

        var range = await db.FetchByTimeRangeAsync(Entries.T0.AddMinutes(1), Entries.T0.AddMinutes(4), 10);

        Assert.Equal([2L, 3, 1], range.Select(e => e.Sequence));
    }

    [Fact]
    public async Task FetchByTimeRange_accepts_bounds_in_any_offset()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendAsync(Entries.New(at: Entries.T0)); // 09:30Z
        var tokyo = TimeSpan.FromHours(9);

        var hit = await db.FetchByTimeRangeAsync(new DateTimeOffset(2026, 11, 24, 18, 0, 0, tokyo),
            new DateTimeOffset(2026, 11, 24, 19, 0, 0, tokyo), 10); // 09:00Z .. 10:00Z
        var miss = await db.FetchByTimeRangeAsync(new DateTimeOffset(2026, 11, 24, 9, 0, 0, tokyo),
            new DateTimeOffset(2026, 11, 24, 10, 0, 0, tokyo), 10); // 00:00Z .. 01:00Z

        Assert.Single(hit);
        Assert.Empty(miss);
    }

    [Fact]
    public async Task Reads_do_not_wait_behind_an_open_write_transaction()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path,
            new SyncLogDbOptions { BusyTimeout = TimeSpan.FromSeconds(30) });
        await db.AppendBatchAsync(Entries.Many(2));
        // Another connection holds a write transaction open; a reader on WAL must still see committed rows at once.
        using var blocker = Raw.Open(db.FilePath, readOnly: false);
        using var transaction = blocker.BeginTransaction(deferred: false);

        var read = db.FetchSinceAsync(0, 10);
        var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(read, finished);
        Assert.Equal(2, (await read).Entries.Count);
    }
}
