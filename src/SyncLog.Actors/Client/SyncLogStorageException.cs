namespace SyncLog.Actors;

/// <summary>The log refused a request with <see cref="StorageFailure"/>: the library's file could not be opened or written.</summary>
public sealed class SyncLogStorageException(StorageFailure reply)
    : SyncLogException(reply.LibraryId, reply, $"library {reply.LibraryId:D}: storage failure: {reply.Reason}")
{
    /// <summary>What went wrong with the library's file.</summary>
    public string Reason { get; } = reply.Reason;
}
