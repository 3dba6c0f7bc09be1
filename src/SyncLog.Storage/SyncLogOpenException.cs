namespace SyncLog.Storage;

/// <summary>A library's sync log could not be opened (unreadable or corrupt file, locked, unknown schema).</summary>
public class SyncLogOpenException : IOException
{
    /// <summary>Creates the exception for the file at <paramref name="filePath"/>.</summary>
    public SyncLogOpenException(string filePath, string message, Exception? inner = null)
        : base(message, inner) => FilePath = filePath;

    /// <summary>The <c>sync.db</c> that could not be opened.</summary>
    public string FilePath { get; }
}
