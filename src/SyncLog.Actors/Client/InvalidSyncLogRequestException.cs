namespace SyncLog.Actors;

/// <summary>The log refused a request with <see cref="InvalidRequest"/>: the request itself is malformed or not allowed here.</summary>
public sealed class InvalidSyncLogRequestException(InvalidRequest reply)
    : SyncLogException(reply.LibraryId, reply, $"library {reply.LibraryId:D}: invalid request: {reply.Reason}")
{
    /// <summary>What is wrong with the request and what is allowed.</summary>
    public string Reason { get; } = reply.Reason;
}
