using Akka.Actor;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors;

// Messages a library actor sends itself. Each carries the incarnation that started the work, so a completion that
// outlives a restart is recognised and never touches the new incarnation's state. They hold live objects (the open
// database, tasks) and never leave the process, so serialize-messages = on leaves them alone.
public sealed partial class LibrarySyncLogActor
{
    private sealed record FileOpened(long Incarnation, SyncLogDb Db, long Latest) : INoSerializationVerificationNeeded;

    private sealed record FileOpenFailed(long Incarnation, Exception Cause) : INoSerializationVerificationNeeded;

    private sealed record WriteDone(long Incarnation, long JobId, WriteResult Result) : INoSerializationVerificationNeeded;

    private sealed record ReadDone(long Incarnation, Task Io) : INoSerializationVerificationNeeded;

    private sealed record VacuumDone(long Incarnation, Task Io, int Removed, VacuumHold? HeldBack,
        IReadOnlyList<FollowerAck>? Lost, IReadOnlyList<LearnedFollower>? LostLearned) : INoSerializationVerificationNeeded;

    // Timer ticks must not count as activity, or an open library would never passivate.
    private sealed record VacuumTick : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
    {
        public static VacuumTick Instance { get; } = new();
    }

    private sealed record PreviousIncarnationDrained : INoSerializationVerificationNeeded
    {
        public static PreviousIncarnationDrained Instance { get; } = new();
    }

    private sealed record ReopenLockedFile : INoSerializationVerificationNeeded
    {
        public static ReopenLockedFile Instance { get; } = new();
    }

    private sealed record RetryAfterFailure : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
    {
        public static RetryAfterFailure Instance { get; } = new();
    }
}
