namespace SyncLog.Actors;

/// <summary>No reply came within the client's timeout; the request may or may not have taken effect.</summary>
public sealed class SyncLogTimeoutException(ILibraryRequest request, TimeSpan timeout, Exception? innerException = null)
    : SyncLogException(request.LibraryId, null,
        $"library {request.LibraryId:D}: no reply to {request.GetType().Name} within {timeout.TotalSeconds:0.###}s", innerException)
{
    /// <summary>The request that got no reply.</summary>
    public ILibraryRequest Request { get; } = request;

    /// <summary>How long the client waited.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
