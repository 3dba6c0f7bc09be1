namespace SyncLog.Storage;

/// <summary>
/// A write needed more room than the log may take: <see cref="SyncLogDbOptions.MaxFileSizeBytes"/> was reached or
/// the disk is full (SQLITE_FULL). The whole transaction was rolled back: nothing written, no sequence used.
/// </summary>
public sealed class SyncLogFullException : IOException
{
    /// <summary>Creates the exception for the file at <paramref name="filePath"/>.</summary>
    public SyncLogFullException(string filePath, string message, Exception? inner = null)
        : base(message, inner) => FilePath = filePath;

    /// <summary>The <c>sync.db</c> that is full.</summary>
    public string FilePath { get; }
}
