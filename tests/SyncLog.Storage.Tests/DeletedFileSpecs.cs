namespace SyncLog.Storage.Tests;

/// <summary>A log whose file is deleted while it is open acknowledges nothing more: the writes would vanish with the handle.</summary>
public sealed class DeletedFileSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Writes_to_a_log_deleted_while_open_are_refused_and_acknowledge_nothing()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(3));
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(db.FilePath + suffix);

        var append = await Assert.ThrowsAsync<SyncLogOpenException>(() => db.AppendAsync(Entries.New()));
        var replicate = await Assert.ThrowsAsync<SyncLogOpenException>(() =>
            db.ReplicateAsync([new SyncLogEntry(0, 4, "d", Entries.T0, "album", "r", ChangeType.Insert, 1, "{}")]));
        var resync = await Assert.ThrowsAsync<SyncLogOpenException>(() => db.ResyncFromAsync(10));

        Assert.All(new[] { append, replicate, resync }, e => Assert.Contains("was deleted while open", e.Message, StringComparison.Ordinal));
        Assert.Equal(3, await db.LatestSequenceAsync());
        Assert.False(File.Exists(db.FilePath));
    }
}
