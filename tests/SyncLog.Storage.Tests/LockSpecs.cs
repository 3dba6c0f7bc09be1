using System.Diagnostics;

namespace SyncLog.Storage.Tests;

public sealed class LockSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_second_open_of_the_same_library_fails_at_once_with_a_clear_error()
    {
        await using var first = await SyncLogDb.OpenAsync(_library, _dir.Path);

        var error = await Assert.ThrowsAsync<SyncLogLockedException>(() => SyncLogDb.OpenAsync(_library, _dir.Path));

        Assert.Contains("already open", error.Message, StringComparison.Ordinal);
        Assert.Equal(first.FilePath, error.FilePath);
        // The refused open did not disturb the owner.
        Assert.Equal(1, await first.AppendAsync(Entries.New()));
    }

    [Fact]
    public async Task Another_process_cannot_take_the_lock_while_the_log_is_open()
    {
        var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var lockFile = db.FilePath + ".lock";

        Assert.Equal(1, TryLockFromAnotherProcess(lockFile));

        await db.DisposeAsync();
        Assert.Equal(0, TryLockFromAnotherProcess(lockFile));
    }

    [Fact]
    public async Task Other_libraries_open_side_by_side()
    {
        await using var a = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var b = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);

        Assert.Equal(1, await a.AppendAsync(Entries.New()));
        Assert.Equal(1, await b.AppendAsync(Entries.New()));
    }

    [Fact]
    public async Task After_dispose_the_file_can_be_reopened_and_deleted()
    {
        var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendAsync(Entries.New());
        await db.DisposeAsync();

        await using (var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path))
            Assert.Equal(1, await reopened.LatestSequenceAsync());

        var folder = Path.GetDirectoryName(db.FilePath)!;
        Directory.Delete(folder, recursive: true);
        Assert.False(Directory.Exists(folder));
        Assert.Empty(OpenHandlesUnder(folder));
    }

    // util-linux flock(1) in a child process: exit 0 when it got the lock, 1 when it is held (-n: do not wait).
    private static int TryLockFromAnotherProcess(string lockFile)
    {
        var start = new ProcessStartInfo("flock") { RedirectStandardError = true };
        foreach (var arg in new[] { "--nonblock", "--conflict-exit-code", "1", lockFile, "true" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    private static IEnumerable<string> OpenHandlesUnder(string folder) =>
        Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(fd => new FileInfo(fd).LinkTarget ?? "")
            .Where(target => target.StartsWith(folder, StringComparison.Ordinal));
}
