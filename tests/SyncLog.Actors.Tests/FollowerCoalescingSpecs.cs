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
public sealed class FollowerCoalescingSpecs : FollowerSpec
{
    // No heartbeats: the probe sees only the connection protocol. A held Replicate must not time out.
    private static readonly FollowerSettings GateSettings = Settings with
    {
        AskTimeout = TimeSpan.FromSeconds(60),
        HeartbeatInterval = TimeSpan.Zero,
    };

    private readonly List<SyncLogEntry> _entries;
    private readonly Node _phone;
    private readonly TestProbe _writes;
    private readonly IActorRef _gate;

    public FollowerCoalescingSpecs()
    {
        // Real entries with real checksums, taken from a real leader's log.
        var source = StartNode("leader");
        Lead(source, "leader", 1);
        AppendMany(source, 9);
        _entries = ReadAll(source);
        _phone = StartNode("phone");
        _writes = CreateTestProbe();
        _gate = Sys.ActorOf(Props.Create(() => new ReplicateGate(_phone.Host.Supervisor, _writes.Ref)));
    }

    [Fact]
    public void Pages_pushed_while_a_Replicate_is_written_go_into_the_next_Replicate_together()
    {
        var leader = CreateTestProbe();
        // Pages of 2 (the demand's unit), but a Replicate may take everything that has arrived.
        var follower = StartGatedFollower(leader.Ref, GateSettings with { PageSize = 2, PrefetchPages = 8 });
        var subscription = Handshake(leader, latest: 9);
        Assert.Equal(16, subscription.InitialDemand);
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[..3]));
        Assert.Equal([1L, 2, 3], Sequences(_writes.ExpectMsg<Replicate>(Patience)));

        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[3..5]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[5..7]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[7..9]));
        // One Replicate in flight at a time: the three pages wait for the first to be written.
        _writes.ExpectNoMsg(TimeSpan.FromSeconds(1));
        _gate.Tell(ReplicateGate.Release.Instance);

        Assert.Equal([4L, 5, 6, 7, 8, 9], Sequences(_writes.ExpectMsg<Replicate>(Patience)));
        Assert.Equal(3, leader.FishForMessage<RequestEntries>(_ => true, Patience).Count);
        Assert.Equal(3, ReadAll(_phone).Count);
        _gate.Tell(ReplicateGate.Release.Instance);
        // The demand for the whole set comes back at once, after it is durable.
        Assert.Equal(6, leader.FishForMessage<RequestEntries>(_ => true, Patience).Count);
        AwaitLocal(follower, 9);
        Assert.Equal(_entries.Select(e => e with { Id = 0 }), ReadAll(_phone).Select(e => e with { Id = 0 }));
        _writes.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_set_is_cut_at_max_replicate_rows_and_the_rest_follows_in_the_next_Replicate()
    {
        var leader = CreateTestProbe();
        var follower = StartGatedFollower(leader.Ref, GateSettings with { MaxReplicateRows = 4 });
        var subscription = Handshake(leader, latest: 9);
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[..2]));
        Assert.Equal([1L, 2], Sequences(_writes.ExpectMsg<Replicate>(Patience)));

        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[2..4]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[4..6]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[6..9]));
        _writes.ExpectNoMsg(TimeSpan.FromSeconds(1));
        _gate.Tell(ReplicateGate.Release.Instance);

        // Cut inside the last page: a pushed page is not a unit of the local log.
        Assert.Equal([3L, 4, 5, 6], Sequences(_writes.ExpectMsg<Replicate>(Patience)));
        _gate.Tell(ReplicateGate.Release.Instance);
        Assert.Equal([7L, 8, 9], Sequences(_writes.ExpectMsg<Replicate>(Patience)));
        _gate.Tell(ReplicateGate.Release.Instance);
        AwaitLocal(follower, 9);
        Assert.Equal(_entries.Select(e => e with { Id = 0 }), ReadAll(_phone).Select(e => e with { Id = 0 }));
    }

    [Fact]
    public void A_diverged_page_in_the_middle_of_a_set_refuses_the_whole_set_and_FollowLeader_recovers_from_the_local_latest()
    {
        var events = EventsOf(_phone);
        var leader = CreateTestProbe();
        var follower = StartGatedFollower(leader.Ref);
        var subscription = Handshake(leader, latest: 9);
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[..3]));
        _writes.ExpectMsg<Replicate>(Patience);

        // Sequence 6, in the middle page, carries a checksum that does not continue the chain.
        var forged = _entries[5] with { Checksum = _entries[0].Checksum };
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[3..5]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, [forged, _entries[6]]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[7..9]));
        _writes.ExpectNoMsg(TimeSpan.FromSeconds(1));
        _gate.Tell(ReplicateGate.Release.Instance);
        Assert.Equal([4L, 5, 6, 7, 8, 9], Sequences(_writes.ExpectMsg<Replicate>(Patience)));
        _gate.Tell(ReplicateGate.Release.Instance);

        var diverged = events.FishForMessage<FollowerDiverged>(_ => true, Patience);
        Assert.Equal((6L, 3L), (diverged.ConflictingSequence, diverged.LocalLatestSequence));
        // Nothing of the set was written, not even the pages before the diverged entry.
        Assert.Equal(_entries[..3].Select(e => e with { Id = 0 }), ReadAll(_phone).Select(e => e with { Id = 0 }));
        Assert.Equal((FollowerState.Diverged, 3L), (StatusOf(follower).State, StatusOf(follower).LocalLatestSequence));

        var next = CreateTestProbe();
        var app = CreateTestProbe();
        follower.Tell(new FollowLeader(Library, next.Ref), app.Ref);
        app.ExpectMsg<FollowingLeader>(Patience);
        var resumed = Handshake(next, latest: 9);
        Assert.Equal(3, resumed.AfterSequence);
        resumed.Subscriber.Tell(new SubscriptionEntries(Library, _entries[3..9]));
        Assert.Equal([4L, 5, 6, 7, 8, 9], Sequences(_writes.ExpectMsg<Replicate>(Patience)));
        _gate.Tell(ReplicateGate.Release.Instance);
        AwaitLocal(follower, 9);
        Assert.Equal(_entries.Select(e => e with { Id = 0 }), ReadAll(_phone).Select(e => e with { Id = 0 }));
    }

    [Fact]
    public void A_newer_term_learned_while_a_set_waits_refuses_the_whole_set_and_the_follower_resubscribes_from_its_latest()
    {
        var events = EventsOf(_phone);
        var leader = CreateTestProbe();
        var follower = StartGatedFollower(leader.Ref);
        var subscription = Handshake(leader, latest: 9);
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[..3]));
        _writes.ExpectMsg<Replicate>(Patience);
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[3..6]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, _entries[6..9]));
        _writes.ExpectNoMsg(TimeSpan.FromSeconds(1));
        _gate.Tell(ReplicateGate.Release.Instance);
        var set = _writes.ExpectMsg<Replicate>(Patience);
        Assert.Equal([4L, 5, 6, 7, 8, 9], Sequences(set));
        Assert.Equal(1, set.LeaderTerm);
        Assert.Equal(3, leader.FishForMessage<RequestEntries>(_ => true, Patience).Count);

        // Between the first page and the set, the local host learns that another device leads at term 2.
        Lead(_phone, "other", 2);
        _gate.Tell(ReplicateGate.Release.Instance);

        Assert.Contains("older than the term 2", events.FishForMessage<FollowerReconnecting>(_ => true, Patience).Reason,
            StringComparison.Ordinal);
        Assert.Equal(_entries[..3].Select(e => e with { Id = 0 }), ReadAll(_phone).Select(e => e with { Id = 0 }));
        // The leader, now at term 2 itself, is followed again from what the local log holds.
        var resumed = Handshake(leader, latest: 9, term: 2);
        Assert.Equal(3, resumed.AfterSequence);
        resumed.Subscriber.Tell(new SubscriptionEntries(Library, _entries[3..9]));
        var again = _writes.ExpectMsg<Replicate>(Patience);
        Assert.Equal([4L, 5, 6, 7, 8, 9], Sequences(again));
        Assert.Equal(2, again.LeaderTerm);
        _gate.Tell(ReplicateGate.Release.Instance);
        AwaitLocal(follower, 9);
        Assert.Equal(_entries.Select(e => e with { Id = 0 }), ReadAll(_phone).Select(e => e with { Id = 0 }));
    }

    private IActorRef StartGatedFollower(IActorRef leader, FollowerSettings? settings = null) =>
        _phone.Host.System.ActorOf(LibraryFollower.Props(_gate, leader, Library, _phone.Device, settings ?? GateSettings));

    private static long[] Sequences(Replicate replicate) => replicate.Entries.Select(e => e.Sequence).ToArray();

    // Answers the follower's leadership question and starts its subscription; returns the Subscribe it sent.
    private Subscribe Handshake(TestProbe leader, long latest, long term = 1)
    {
        leader.FishForMessage<GetLeadership>(_ => true, Patience);
        leader.Reply(new Leadership(Library, "leader", term, true));
        var subscribe = leader.FishForMessage<Subscribe>(_ => true, Patience);
        subscribe.Subscriber.Tell(new SubscriptionStarted(Library, subscribe.AfterSequence, latest));
        return subscribe;
    }
}
