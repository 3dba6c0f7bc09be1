namespace SyncLog.Actors;

/// <summary>The reply is neither the one the request expects nor a refusal: a protocol mismatch, a bug to report.</summary>
public sealed class UnexpectedSyncLogReplyException(ILibraryRequest request, Type expectedReply, object receivedReply)
    : SyncLogException(request.LibraryId, receivedReply as ILibraryReply,
        $"library {request.LibraryId:D}: {request.GetType().Name} expects {expectedReply.Name} or a refusal, but got {receivedReply.GetType().Name}: {receivedReply}")
{
    /// <summary>The request that was answered.</summary>
    public ILibraryRequest Request { get; } = request;

    /// <summary>The reply type the request expects on success.</summary>
    public Type ExpectedReply { get; } = expectedReply;

    /// <summary>What actually came back.</summary>
    public object ReceivedReply { get; } = receivedReply;
}
