namespace SyncLog.Storage.Tests;

public sealed class DurabilitySpecs : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_log_uses_wal_journaling()
    {
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);

        Assert.Equal("wal", Raw.Scalar(db.FilePath, "PRAGMA journal_mode"));
    }

    [Theory]
    [InlineData(SynchronousMode.Full, 2L)]
    [InlineData(SynchronousMode.Normal, 1L)]
    public void Connections_apply_synchronous_busy_timeout_and_cache_size(SynchronousMode mode, long expectedSynchronous)
    {
        var options = new SyncLogDbOptions { Synchronous = mode, BusyTimeout = TimeSpan.FromSeconds(3), CacheSizeKiB = 4096 };
        var path = Path.Combine(_dir.Path, "pragmas.db");

        using var connection = SqliteConnectionFactory.Open(path, options, readOnly: false);

        Assert.Equal(expectedSynchronous, Pragma(connection, "synchronous"));
        Assert.Equal(3000L, Pragma(connection, "busy_timeout"));
        Assert.Equal(-4096L, Pragma(connection, "cache_size"));
    }

    [Fact]
    public async Task Commits_are_checkpointed_in_the_background_well_before_the_writers_backstop()
    {
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var initialSize = new FileInfo(db.FilePath).Length;

        // About 1,600 WAL frames: past the background threshold (1,000), far below the writer's own (4,000).
        for (var batch = 0; batch < 15; batch++)
            await db.AppendBatchAsync(Entries.Many(100, start: batch * 100));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (new FileInfo(db.FilePath).Length == initialSize && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.True(new FileInfo(db.FilePath).Length > initialSize, "no checkpoint copied pages into sync.db");
        Assert.Equal(1500, await db.CountAsync());
        Assert.Equal("ok", Raw.Scalar(db.FilePath, "PRAGMA integrity_check"));
    }

    [Fact]
    public void Full_synchronous_is_the_default()
    {
        Assert.Equal(SynchronousMode.Full, SyncLogDbOptions.Default.Synchronous);
        Assert.Equal(TimeSpan.FromDays(30), SyncLogDbOptions.DefaultRetention);
    }

    private static object? Pragma(Microsoft.Data.Sqlite.SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return command.ExecuteScalar();
    }
}
