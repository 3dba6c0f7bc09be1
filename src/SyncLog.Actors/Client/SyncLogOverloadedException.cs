namespace SyncLog.Actors;

/// <summary>The log refused an append with <see cref="Overloaded"/>: too many appends are waiting; retry later.</summary>
public sealed class SyncLogOverloadedException(Overloaded reply)
    : SyncLogException(reply.LibraryId, reply,
        $"library {reply.LibraryId:D}: overloaded, {reply.PendingAppends} appends are waiting (synclog.max-pending-appends); retry later")
{
    /// <summary>Appends that were waiting when this one was refused.</summary>
    public int PendingAppends { get; } = reply.PendingAppends;
}
