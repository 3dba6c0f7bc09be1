namespace SyncLog.Actors;

/// <summary>The endpoint refused with <see cref="RequestNotServed"/>: a served host's gateway does not take this request.</summary>
public sealed class RequestNotServedException(RequestNotServed reply)
    : SyncLogException(reply.LibraryId, reply, $"library {reply.LibraryId:D}: {reply.Request} is not served here: {reply.Reason}")
{
    /// <summary>Why the request is not served, and how to enable it if it can be.</summary>
    public string Reason { get; } = reply.Reason;
}
