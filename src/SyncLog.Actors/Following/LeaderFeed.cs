using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// One subscription of a <see cref="LibraryFollower"/> to its leader: the subscriber the leader pushes to. A feed per
/// connection attempt makes a stale leader harmless: once the follower drops a feed (stopping it, which also ends the
/// subscription on the leader, as the leader watches its subscribers), nothing the old leader still sends reaches it.
/// It hands up whatever reaches it, so its name carries 128 random bits: only the leader it subscribed to knows its path.
/// </summary>
internal sealed class LeaderFeed : ReceiveActor
{
    private readonly IActorRef _leader;
    private readonly Guid _libraryId;
    private readonly long _afterSequence;
    private readonly long _demand;

    public LeaderFeed(IActorRef leader, Guid libraryId, long afterSequence, long demand, long epoch)
    {
        _leader = leader;
        _libraryId = libraryId;
        _afterSequence = afterSequence;
        _demand = demand;
        // Replies to Subscribe and RequestEntries (refusals included) come here too: everything goes up, tagged.
        ReceiveAny(message => Context.Parent.Tell(new FeedMessage(epoch, message)));
    }

    public static Props Props(IActorRef leader, Guid libraryId, long afterSequence, long demand, long epoch) =>
        Akka.Actor.Props.Create(() => new LeaderFeed(leader, libraryId, afterSequence, demand, epoch));

    protected override void PreStart() =>
        _leader.Tell(new Subscribe(_libraryId, _afterSequence, Self, _demand), Self);

    // Ends the subscription at once rather than when the leader notices this feed died; a leader that is gone ignores it.
    protected override void PostStop() => _leader.Tell(new Unsubscribe(_libraryId, Self), ActorRefs.NoSender);
}

/// <summary>
/// A message the leader sent to the feed of connection attempt <paramref name="Epoch"/>, handed to the follower in the
/// same process (the message itself was checked when it reached the feed).
/// </summary>
internal sealed record FeedMessage(long Epoch, object Message) : INoSerializationVerificationNeeded;
