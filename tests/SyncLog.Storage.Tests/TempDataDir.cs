namespace SyncLog.Storage.Tests;

/// <summary>A fresh data dir per test, deleted afterwards, so tests run in parallel without sharing files.</summary>
public sealed class TempDataDir : IDisposable
{
    public TempDataDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "synclog-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => TempDirs.Remove(Path);
}
