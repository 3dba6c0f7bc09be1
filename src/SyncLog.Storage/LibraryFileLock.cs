namespace SyncLog.Storage;

/// <summary>
/// An exclusive OS lock on <c>sync.db.lock</c> beside the log, held while a <see cref="SyncLogDb"/> is open,
/// so two owners (threads, processes) can never race for sequences.
/// </summary>
/// <remarks>
/// A separate file, because closing any extra descriptor on <c>sync.db</c> itself would drop SQLite's POSIX locks.
/// .NET maps <see cref="FileShare.None"/> to <c>flock(LOCK_EX | LOCK_NB)</c> on Unix and to a share-mode lock on
/// Windows; both are released by the OS if the process dies, so a crash never leaves the library locked.
/// The file is never deleted: deleting it while another opener waits on it would let two owners lock two inodes.
/// </remarks>
internal sealed class LibraryFileLock : IDisposable
{
    private readonly FileStream _stream;

    private LibraryFileLock(FileStream stream) => _stream = stream;

    public static LibraryFileLock Acquire(string databasePath)
    {
        var lockPath = databasePath + ".lock";
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None,
                bufferSize: 1, FileOptions.None);
            return new LibraryFileLock(stream);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new SyncLogLockedException(databasePath, e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
