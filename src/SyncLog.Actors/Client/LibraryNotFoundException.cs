namespace SyncLog.Actors;

/// <summary>The log refused a request with <see cref="LibraryNotFound"/>: the library has no log file and the request does not create one.</summary>
public sealed class LibraryNotFoundException(LibraryNotFound reply)
    : SyncLogException(reply.LibraryId, reply, $"library {reply.LibraryId:D}: no sync log at '{reply.FilePath}'")
{
    /// <summary>Where the library's <c>sync.db</c> would be.</summary>
    public string FilePath { get; } = reply.FilePath;
}
