namespace SyncLog.Storage;

/// <summary>
/// An exclusive OS lock on a lock file, held until disposed, so that two owners (threads, processes) never share what
/// it guards: a library's <c>sync.db</c>, or a host's data dir. The OS releases it if the process dies.
/// </summary>
/// <remarks>
/// A separate lock file, because closing any extra descriptor on <c>sync.db</c> itself would drop SQLite's POSIX locks.
/// .NET maps <see cref="FileShare.None"/> to <c>flock(LOCK_EX | LOCK_NB)</c> on Unix and to a share-mode lock on
/// Windows. The file is never deleted: deleting it while another opener waits on it would let two owners lock two inodes.
/// </remarks>
public sealed class ExclusiveFileLock : IDisposable
{
    private readonly FileStream _stream;

    private ExclusiveFileLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock on <paramref name="lockPath"/>, which guards <paramref name="guardedPath"/>, at once or fails.</summary>
    /// <exception cref="SyncLogLockedException">Someone else holds it; the message is <paramref name="heldMessage"/>.</exception>
    /// <exception cref="SyncLogOpenException">The lock file cannot be created or written (read-only file system, no folder).</exception>
    public static ExclusiveFileLock Acquire(string lockPath, string guardedPath, string heldMessage)
    {
        try
        {
            return new ExclusiveFileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite,
                FileShare.None, bufferSize: 1, FileOptions.None));
        }
        catch (IOException e) when (IsHeldBySomeoneElse(e))
        {
            throw new SyncLogLockedException(guardedPath, heldMessage, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not a lock held elsewhere: a read-only file system, a missing or unwritable folder. Reported as such.
            throw new SyncLogOpenException(guardedPath,
                $"'{guardedPath}' could not be opened: its lock file '{lockPath}' cannot be created or opened for writing: {e.Message}", e);
        }
    }

    // A lock held elsewhere is a failed flock with EWOULDBLOCK on Unix (.NET puts the errno in HResult: 11 on Linux,
    // 35 on macOS) and a sharing or lock violation on Windows; anything else is a real I/O failure.
    private static bool IsHeldBySomeoneElse(IOException e) =>
        OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) is 32 or 33
        : e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _stream.Dispose();
}
