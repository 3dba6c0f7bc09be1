namespace SyncLog.Storage;

/// <summary>The library's sync log is already open by another <see cref="SyncLogDb"/>, in this process or another.</summary>
public sealed class SyncLogLockedException(string filePath, Exception? inner = null)
    : SyncLogOpenException(filePath,
        $"sync log '{filePath}' is already open by another owner (this or another process); only one writer may own a library's log",
        inner);
