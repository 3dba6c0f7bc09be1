namespace SyncLog.Actors;

/// <summary>
/// Base of every failure <see cref="SyncLogClient"/> reports: a refusal reply from the log, a timeout or an unexpected
/// reply. Catch this to handle them all; nothing was written when one is thrown.
/// </summary>
public abstract class SyncLogException : Exception
{
    /// <summary>Creates the exception for <paramref name="libraryId"/>, carrying the refusal <paramref name="reply"/> if there was one.</summary>
    protected SyncLogException(Guid libraryId, ILibraryReply? reply, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        LibraryId = libraryId;
        Reply = reply;
    }

    /// <summary>The library the request was for.</summary>
    public Guid LibraryId { get; }

    /// <summary>The refusal the log replied with; null when no reply came (timeout) or it was not a protocol reply.</summary>
    public ILibraryReply? Reply { get; }
}
