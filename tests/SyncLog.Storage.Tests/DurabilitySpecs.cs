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
