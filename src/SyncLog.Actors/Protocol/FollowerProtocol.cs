using Akka.Actor;

namespace SyncLog.Actors;

// The protocol of a LibraryFollower: requests from the app and their replies side by side, then the events it
// publishes on the actor system's EventStream (subscribe to IFollowerEvent). Every request gets exactly one reply.

/// <summary>A request to a <see cref="LibraryFollower"/>; it must name the library the follower keeps current.</summary>
public interface IFollowerRequest
{
    /// <summary>The library the follower keeps current.</summary>
    Guid LibraryId { get; }
}

/// <summary>
/// A reply of a <see cref="LibraryFollower"/> to an <see cref="IFollowerRequest"/>; like the requests, it has a stable
/// manifest on the wire (<see cref="SyncLogProtocolSerializer"/>), since a refusal may go to a remote sender.
/// </summary>
public interface IFollowerReply
{
    /// <summary>The library the follower keeps current.</summary>
    Guid LibraryId { get; }
}

/// <summary>Ask how far the follower is and what it is doing.</summary>
public sealed record GetFollowerStatus(Guid LibraryId) : IFollowerRequest;

/// <summary>
/// Where the follower stands: its local latest sequence, the leader's latest it last heard of (null before it heard),
/// the leader's term it replicates under (0 before it learned it), the last problem it met (null if none) and the
/// highest sequence a leader confirmed it recorded as this follower's acknowledgement (<see cref="ReplicationAcknowledged"/>).
/// </summary>
public sealed record FollowerStatus(Guid LibraryId, FollowerState State, long LocalLatestSequence,
    long? LeaderLatestSequence, long LeaderTerm, string Leader, int ReconnectAttempt, string? LastProblem,
    long AcknowledgedSequence) : IFollowerReply;

/// <summary>
/// Follow <paramref name="Leader"/> from now on (after a fail-over): the follower drops its subscription to the old
/// leader, ignores anything the old leader still sends, and resubscribes from its local latest sequence. Also resumes a
/// follower that stopped replicating (<see cref="FollowerState.Diverged"/>, <see cref="FollowerState.Halted"/>).
/// </summary>
public sealed record FollowLeader(Guid LibraryId, IActorRef Leader) : IFollowerRequest;

/// <summary>The follower now follows <paramref name="Leader"/> (the reply to <see cref="FollowLeader"/>).</summary>
public sealed record FollowingLeader(Guid LibraryId, string Leader) : IFollowerReply;

/// <summary>
/// The app's answer to <see cref="ResyncRequired"/>: it rebuilt its state from the leader's library database up to
/// <paramref name="Sequence"/> (at least the leader's vacuum floor), so the follower restarts its log there with the
/// leader's checksum at that sequence (<see cref="ResyncFrom"/>) and follows on from it.
/// </summary>
public sealed record ApproveResync(Guid LibraryId, long Sequence) : IFollowerRequest;

/// <summary>The follower's log now continues after <paramref name="LatestSequence"/> (the reply to <see cref="ApproveResync"/>).</summary>
public sealed record FollowerResynced(Guid LibraryId, long LatestSequence, long VacuumedThroughSequence) : IFollowerReply;

/// <summary>Refused: the request does not fit the follower's state or arguments; <paramref name="Reason"/> says why. Nothing was done.</summary>
public sealed record FollowerRequestRefused(Guid LibraryId, string Reason) : IFollowerReply;

/// <summary>What a <see cref="LibraryFollower"/> is doing.</summary>
public enum FollowerState
{
    /// <summary>Learning the local and leader positions and subscribing.</summary>
    Connecting,

    /// <summary>Subscribed: replicating pages as the leader pushes them.</summary>
    Following,

    /// <summary>The leader was lost or refused: waiting out the backoff before connecting again.</summary>
    Reconnecting,

    /// <summary>Behind the leader's vacuum floor: waiting for the app's <see cref="ApproveResync"/>.</summary>
    ResyncRequired,

    /// <summary>Restarting the local log after the app's <see cref="ApproveResync"/>.</summary>
    Resyncing,

    /// <summary>The local log holds a different history than the leader's: nothing is replicated until <see cref="FollowLeader"/>.</summary>
    Diverged,

    /// <summary>The local host refuses replication (e.g. this device now leads the library): stopped until <see cref="FollowLeader"/>.</summary>
    Halted,
}

// ---- Events (published on the actor system's EventStream) ----

/// <summary>Something a follower tells the app; subscribe with <c>system.EventStream.Subscribe(actor, typeof(IFollowerEvent))</c>.</summary>
public interface IFollowerEvent
{
    /// <summary>The library the follower keeps current.</summary>
    Guid LibraryId { get; }
}

/// <summary>Subscribed to <paramref name="Leader"/> at <paramref name="LeaderTerm"/> after <paramref name="AfterSequence"/>; the leader then ended at <paramref name="LeaderLatestSequence"/>.</summary>
public sealed record FollowerConnected(Guid LibraryId, string Leader, long LeaderTerm, long AfterSequence, long LeaderLatestSequence)
    : IFollowerEvent;

/// <summary>The local log has everything the leader had when it last said how far it was.</summary>
public sealed record FollowerCaughtUp(Guid LibraryId, long Sequence) : IFollowerEvent;

/// <summary>The follower is behind: the leader is at <paramref name="LeaderLatestSequence"/>, the local log at <paramref name="LocalLatestSequence"/>.</summary>
public sealed record FollowerLagging(Guid LibraryId, long LocalLatestSequence, long LeaderLatestSequence) : IFollowerEvent;

/// <summary>The leader was lost or refused (<paramref name="Reason"/>); the follower connects again after <paramref name="Delay"/>.</summary>
public sealed record FollowerReconnecting(Guid LibraryId, int Attempt, TimeSpan Delay, string Reason) : IFollowerEvent;

/// <summary>
/// The leader vacuumed entries the follower still needs: rebuild the app's state from the leader's library database up to
/// at least <paramref name="LeaderVacuumFloor"/>, then send the follower <see cref="ApproveResync"/>. Nothing is skipped meanwhile.
/// </summary>
public sealed record ResyncRequired(Guid LibraryId, long LocalLatestSequence, long LeaderVacuumFloor) : IFollowerEvent;

/// <summary>
/// The leader's entry at <paramref name="ConflictingSequence"/> does not continue the local checksum chain: the two logs
/// hold different histories. The follower replicates nothing more until the app sends <see cref="FollowLeader"/>.
/// </summary>
public sealed record FollowerDiverged(Guid LibraryId, long ConflictingSequence, long LocalLatestSequence) : IFollowerEvent;

/// <summary>The local host refused replication for good (<paramref name="Reason"/>); stopped until <see cref="FollowLeader"/>.</summary>
public sealed record FollowerHalted(Guid LibraryId, string Reason) : IFollowerEvent;
