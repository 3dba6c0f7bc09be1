using Akka.Actor;
using Akka.TestKit;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A <see cref="LibraryFollower"/> replicating the pages pushed while one <see cref="Replicate"/> is written as one
/// transaction (bounded by <see cref="FollowerSettings.MaxReplicateRows"/>): a probe plays the leader, a
/// <see cref="ReplicateGate"/> holds each Replicate on its way to the real local host, and the file shows what was written.
/// A refused set (a diverged entry or a stale term anywhere in it) writes nothing of the set.
/// </summary>
public sealed class FollowerCoalescingSpecs : ProbeLeaderSpec
{
    // No heartbeats: the probe sees only the connection protocol. A held Replicate must not time out.
    private static readonly FollowerSettings GateSettings = Settings with
    {
        AskTimeout = TimeSpan.FromSeconds(60),
        HeartbeatInterval = TimeSpan.Zero,
    };

    private readonly TestProbe _writes;
    private readonly IActorRef _gate;

    public FollowerCoalescingSpecs()
    {
        _writes = CreateTestProbe();
        _gate = Sys.ActorOf(Props.Create(() => new ReplicateGate(Phone.Host.Supervisor, _writes.Ref)));
    }

    [Fact]
    public void Pages_pushed_while_a_Replicate_is_written_go_into_the_next_Replicate_together()
    {
        var leader = CreateTestProbe();
        // Pages of 2 (the demand's unit), but a Replicate may take everything that has arrived.
        var follower = StartGatedFollower(leader.Ref, GateSettings with { PageSize = 2, PrefetchPages = 8 });
        var subscription = Handshake(leader, latest: 9);
        Assert.Equal(16, subscription.InitialDemand);
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[..3]));
        Assert.Equal([1L, 2, 3], Sequences(_writes.ExpectMsg<Replicate>(Patience)));

        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[3..5]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[5..7]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[7..9]));
        // One Replicate in flight at a time: the three pages wait for the first to be written.
        _writes.ExpectNoMsg(TimeSpan.FromSeconds(1));
        _gate.Tell(ReplicateGate.Release.Instance);

        Assert.Equal([4L, 5, 6, 7, 8, 9], Sequences(_writes.ExpectMsg<Replicate>(Patience)));
        Assert.Equal(3, leader.FishForMessage<RequestEntries>(_ => true, Patience).Count);
        Assert.Equal(3, ReadAll(Phone).Count);
        _gate.Tell(ReplicateGate.Release.Instance);
        // The demand for the whole set comes back at once, after it is durable.
        Assert.Equal(6, leader.FishForMessage<RequestEntries>(_ => true, Patience).Count);
        AwaitLocal(follower, 9);
        AssertPhoneHolds(9);
        _writes.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_set_is_cut_at_max_replicate_rows_and_the_rest_follows_in_the_next_Replicate()
    {
        var leader = CreateTestProbe();
        var follower = StartGatedFollower(leader.Ref, GateSettings with { MaxReplicateRows = 4 });
        var subscription = Handshake(leader, latest: 9);
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[..2]));
        Assert.Equal([1L, 2], Sequences(_writes.ExpectMsg<Replicate>(Patience)));

        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[2..4]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[4..6]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[6..9]));
        _writes.ExpectNoMsg(TimeSpan.FromSeconds(1));
        _gate.Tell(ReplicateGate.Release.Instance);

        // Cut inside the last page: a pushed page is not a unit of the local log.
        Assert.Equal([3L, 4, 5, 6], Sequences(_writes.ExpectMsg<Replicate>(Patience)));
        _gate.Tell(ReplicateGate.Release.Instance);
        Assert.Equal([7L, 8, 9], Sequences(_writes.ExpectMsg<Replicate>(Patience)));
        _gate.Tell(ReplicateGate.Release.Instance);
        AwaitLocal(follower, 9);
        AssertPhoneHolds(9);
    }

    [Fact]
    public void A_diverged_page_in_the_middle_of_a_set_refuses_the_whole_set_and_FollowLeader_recovers_from_the_local_latest()
    {
        var events = EventsOf(Phone);
        var leader = CreateTestProbe();
        // Sequence 6, in the middle page, carries a checksum that does not continue the chain.
        var forged = Entries[5] with { Checksum = Entries[0].Checksum };
        var (follower, _) = HoldTheSetAfterThree(leader, Entries[3..5], [forged, Entries[6]], Entries[7..9]);
        _gate.Tell(ReplicateGate.Release.Instance);

        var diverged = events.FishForMessage<FollowerDiverged>(_ => true, Patience);
        Assert.Equal((6L, 3L), (diverged.ConflictingSequence, diverged.LocalLatestSequence));
        // Nothing of the set was written, not even the pages before the diverged entry.
        AssertPhoneHolds(3);
        Assert.Equal((FollowerState.Diverged, 3L), (StatusOf(follower).State, StatusOf(follower).LocalLatestSequence));

        var next = CreateTestProbe();
        SwitchLeader(follower, next.Ref);
        ReplicateTheRestAfterThree(follower, Handshake(next, latest: 9));
    }

    [Fact]
    public void A_newer_term_learned_while_a_set_waits_refuses_the_whole_set_and_the_follower_resubscribes_from_its_latest()
    {
        var events = EventsOf(Phone);
        var leader = CreateTestProbe();
        var (follower, set) = HoldTheSetAfterThree(leader, Entries[3..6], Entries[6..9]);
        Assert.Equal(1, set.LeaderTerm);
        Assert.Equal(3, leader.FishForMessage<RequestEntries>(_ => true, Patience).Count);

        // Between the first page and the set, the local host learns that another device leads at term 2.
        Lead(Phone, "other", 2);
        _gate.Tell(ReplicateGate.Release.Instance);

        AssertReconnects(events, "older than the term 2");
        AssertPhoneHolds(3);
        // The leader, now at term 2 itself, is followed again from what the local log holds.
        var again = ReplicateTheRestAfterThree(follower, Handshake(leader, latest: 9, term: 2));
        Assert.Equal(2, again.LeaderTerm);
    }

    private IActorRef StartGatedFollower(IActorRef leader, FollowerSettings? settings = null) =>
        Phone.Host.System.ActorOf(LibraryFollower.Props(_gate, leader, Library, Phone.Device, settings ?? GateSettings));

    private static long[] Sequences(Replicate replicate) => replicate.Entries.Select(e => e.Sequence).ToArray();

    // A gated follower writes entries 1-3; the pages of 4-9, pushed while that write is held, wait for it and then go
    // to the local host as one set, which the gate holds in turn. Returns the follower and that set.
    private (IActorRef Follower, Replicate Set) HoldTheSetAfterThree(TestProbe leader, params IReadOnlyList<SyncLogEntry>[] pages)
    {
        var follower = StartGatedFollower(leader.Ref);
        var subscription = Handshake(leader, latest: 9);
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[..3]));
        _writes.ExpectMsg<Replicate>(Patience);
        foreach (var page in pages)
            subscription.Subscriber.Tell(new SubscriptionEntries(Library, page));
        _writes.ExpectNoMsg(TimeSpan.FromSeconds(1));
        _gate.Tell(ReplicateGate.Release.Instance);
        var set = _writes.ExpectMsg<Replicate>(Patience);
        Assert.Equal([4L, 5, 6, 7, 8, 9], Sequences(set));
        return (follower, set);
    }

    // After a refused set: the new subscription starts after the three written entries, and 4-9 are written as one
    // set, the whole log. Returns that set.
    private Replicate ReplicateTheRestAfterThree(IActorRef follower, Subscribe resumed)
    {
        Assert.Equal(3, resumed.AfterSequence);
        resumed.Subscriber.Tell(new SubscriptionEntries(Library, Entries[3..9]));
        var set = _writes.ExpectMsg<Replicate>(Patience);
        Assert.Equal([4L, 5, 6, 7, 8, 9], Sequences(set));
        _gate.Tell(ReplicateGate.Release.Instance);
        AwaitLocal(follower, 9);
        AssertPhoneHolds(9);
        return set;
    }
}
