using SyncLog.Storage.Schema;

namespace SyncLog.Storage.Tests;

public sealed class ReadOnlySpecs : IDisposable
{
    private static readonly SyncLogDbOptions ReadOnly = new() { ReadOnly = true };
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_reader_sees_what_the_owner_commits_without_taking_its_lock()
    {
        await using var owner = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await owner.AppendBatchAsync(Entries.Many(3));

        await using var reader = await SyncLogDb.OpenAsync(_library, _dir.Path, ReadOnly);
        Assert.True(reader.IsReadOnly);
        Assert.Equal(3, await reader.LatestSequenceAsync());
        await owner.AppendAsync(Entries.New(3));
        await owner.VacuumOldEntriesAsync(Entries.T0.AddSeconds(1));

        Assert.Equal(4, await reader.LatestSequenceAsync());
        Assert.Equal(1, reader.VacuumedThroughSequence);
        Assert.Equal([2L, 3, 4], (await reader.FetchSinceAsync(1, 10)).Entries.Select(e => e.Sequence));
        Assert.Equal(3, (await reader.StatsAsync()).Count);
    }

    [Fact]
    public async Task A_read_only_log_refuses_writes_and_changes_nothing()
    {
        await using (var owner = await SyncLogDb.OpenAsync(_library, _dir.Path))
            await owner.AppendAsync(Entries.New());
        await using var reader = await SyncLogDb.OpenAsync(_library, _dir.Path, ReadOnly);

        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.AppendAsync(Entries.New()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.VacuumOldEntriesAsync(DateTimeOffset.MaxValue));
        Assert.Equal(1, await reader.CountAsync());
    }

    [Fact]
    public async Task Opening_a_missing_log_read_only_creates_nothing()
    {
        var error = await Assert.ThrowsAsync<SyncLogOpenException>(() => SyncLogDb.OpenAsync(_library, _dir.Path, ReadOnly));

        Assert.Contains("there is no sync log", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task A_log_not_yet_migrated_by_its_owner_is_refused_read_only()
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = Raw.Open(path, readOnly: false))
            Migrator.Migrate(connection, path, targetVersion: 1);

        var error = await Assert.ThrowsAsync<SyncLogOpenException>(() => SyncLogDb.OpenAsync(_library, _dir.Path, ReadOnly));

        Assert.Contains("schema version 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, Raw.Scalar(path, "PRAGMA user_version"));
    }
}
