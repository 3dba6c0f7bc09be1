namespace SyncLog.Storage.Tests;

public sealed class ValidationSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, NewSyncLogEntry> BadEntries() => new()
    {
        { "device id", Entries.New() with { DeviceId = "" } },
        { "device id", Entries.New() with { DeviceId = "  " } },
        { "model type", Entries.New() with { ModelType = "" } },
        { "record id", Entries.New() with { RecordId = "" } },
        { "valid JSON", Entries.New() with { Data = "{not json" } },
        { "valid JSON", Entries.New() with { Data = """{"a":1} trailing""" } },
        { "JSON document", Entries.New() with { Data = "" } },
        { "version must be at least 1", Entries.New() with { Version = 0 } },
        { "change type", Entries.New() with { ChangeType = (ChangeType)42 } },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public async Task A_bad_entry_is_refused_with_a_clear_message_and_nothing_is_written(string expected, NewSyncLogEntry entry)
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => db.AppendAsync(entry));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync());
        Assert.Equal(0, await db.LatestSequenceAsync());
        Assert.Equal(1, await db.AppendAsync(Entries.New()));
    }

    [Fact]
    public async Task A_batch_with_one_bad_entry_writes_none_of_it_and_names_the_entry()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var batch = Entries.Many(5).ToList();
        batch[3] = batch[3] with { Data = "nope" };

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => db.AppendBatchAsync(batch));

        Assert.Contains("entry 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync());
    }

    [Fact]
    public async Task An_empty_batch_is_refused()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => db.AppendBatchAsync([]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(SyncLogDb.MaxFetchLimit + 1)]
    public async Task A_limit_outside_1_to_the_maximum_is_refused(int limit)
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.FetchSinceAsync(0, limit));

        Assert.Contains($"limit must be between 1 and {SyncLogDb.MaxFetchLimit}, got {limit}", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.FetchByDeviceAsync("d", 0, limit));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.FetchByRecordAsync("tag", "r", limit));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.FetchByTimeRangeAsync(Entries.T0, Entries.T0, limit));
    }

    [Fact]
    public async Task The_maximum_limit_itself_is_allowed()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.Empty((await db.FetchSinceAsync(0, SyncLogDb.MaxFetchLimit)).Entries);
    }

    [Fact]
    public async Task A_negative_sequence_is_refused()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.FetchSinceAsync(-1, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.FetchByDeviceAsync("d", -1, 10));
    }

    [Fact]
    public async Task A_time_range_that_ends_before_it_starts_is_refused()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => db.FetchByTimeRangeAsync(Entries.T0, Entries.T0.AddSeconds(-1), 10));
    }

    [Fact]
    public async Task Opening_needs_a_library_id_and_a_data_dir()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => SyncLogDb.OpenAsync(Guid.Empty, _dir.Path));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => SyncLogDb.OpenAsync(_library, " "));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { CacheSizeKiB = 0 }));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task A_closed_log_refuses_further_use()
    {
        var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => db.AppendAsync(Entries.New()));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => db.FetchSinceAsync(0, 1));
    }
}
