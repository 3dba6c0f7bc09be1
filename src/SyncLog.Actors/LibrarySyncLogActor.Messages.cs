using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors;

// Messages a library actor sends itself. Each carries the incarnation that started the work, so a completion that
// outlives a restart is recognised and never touches the new incarnation's state.
public sealed partial class LibrarySyncLogActor
{
    private sealed record FileOpened(long Incarnation, SyncLogDb Db, long Latest);

    private sealed record FileOpenFailed(long Incarnation, Exception Cause);

    private sealed record WriteDone(long Incarnation, long JobId, WriteResult Result);

    // Appends were queued with no job running: start one once the messages that arrived before this are queued too.
    private sealed record WriteQueued(long Incarnation);

    private sealed record ReadDone(long Incarnation, Task Io);

    private sealed record VacuumDone(long Incarnation, Task Io, int Removed, VacuumHold? HeldBack,
        IReadOnlyList<FollowerAck>? Lost);

    // Timer ticks must not count as activity, or an open library would never passivate.
    private sealed record VacuumTick : Akka.Actor.INotInfluenceReceiveTimeout
    {
        public static VacuumTick Instance { get; } = new();
    }

    // Time to see whether the library has been quiet for passivate-after; re-armed from the last activity.
    private sealed record PassivationCheck : Akka.Actor.INotInfluenceReceiveTimeout
    {
        public static PassivationCheck Instance { get; } = new();
    }

    private sealed record PreviousIncarnationDrained
    {
        public static PreviousIncarnationDrained Instance { get; } = new();
    }

    private sealed record ReopenLockedFile
    {
        public static ReopenLockedFile Instance { get; } = new();
    }

    private sealed record RetryAfterFailure : Akka.Actor.INotInfluenceReceiveTimeout
    {
        public static RetryAfterFailure Instance { get; } = new();
    }
}
