namespace SyncLog.Actors;

/// <summary>A library's write transaction failed; thrown by its actor so supervision restarts it with a fresh file handle.</summary>
public sealed class SyncLogWriteException(Guid libraryId, Exception inner)
    : Exception($"library {libraryId:D}: sync log write failed: {inner.Message}", inner)
{
    /// <summary>The library whose write failed.</summary>
    public Guid LibraryId { get; } = libraryId;
}
