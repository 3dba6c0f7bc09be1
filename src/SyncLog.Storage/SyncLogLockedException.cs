namespace SyncLog.Storage;

/// <summary>A library's log or a host's data dir is already owned by someone else, in this process or another.</summary>
public sealed class SyncLogLockedException(string filePath, string message, Exception? inner = null)
    : SyncLogOpenException(filePath, message, inner);
