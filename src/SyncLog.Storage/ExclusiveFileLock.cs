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
    public static ExclusiveFileLock Acquire(string lockPath, string guardedPath, string heldMessage)
    {
        try
        {
            return new ExclusiveFileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite,
                FileShare.None, bufferSize: 1, FileOptions.None));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new SyncLogLockedException(guardedPath, heldMessage, e);
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _stream.Dispose();
}
