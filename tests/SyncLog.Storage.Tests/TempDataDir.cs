namespace SyncLog.Storage.Tests;

/// <summary>A fresh data dir per test, deleted afterwards, so tests run in parallel without sharing files.</summary>
public sealed class TempDataDir : IDisposable
{
    public TempDataDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "synclog-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Opens <paramref name="library"/>'s file in this dir with <paramref name="entries"/> entries of <see cref="Entries.Many"/> appended.</summary>
    public async Task<SyncLogDb> OpenWith(Guid library, int entries)
    {
        var db = await SyncLogDb.OpenAsync(library, Path);
        await db.AppendBatchAsync(Entries.Many(entries));
        return db;
    }

    public void Dispose() => TempDirs.Remove(Path);
}
