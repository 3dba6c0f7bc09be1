using Akka.Actor;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A <see cref="LibraryFollower"/> against a probe playing the leader: gap pages, dropped replies, a leader that dies, a
/// switch of leaders with the old one still pushing. The local host is real, so holes would show in its file.
/// </summary>
public sealed class FollowerFailureSpecs : ProbeLeaderSpec
{
    // No heartbeats: the probe sees only the connection protocol. Short timeouts: dropped replies are the point.
    private static readonly FollowerSettings ProbeSettings = Settings with
    {
        AskTimeout = TimeSpan.FromSeconds(3),
        HeartbeatInterval = TimeSpan.Zero,
    };

    [Fact]
    public void A_gap_in_a_pushed_page_makes_the_follower_resubscribe_from_its_latest_and_leaves_no_hole()
    {
        var events = EventsOf(Phone);
        var leader = CreateTestProbe();
        var follower = StartFollower(Phone, leader.Ref, ProbeSettings);
        var first = Handshake(leader, latest: 6);
        Assert.Equal((0L, ProbeSettings.Window), (first.AfterSequence, first.InitialDemand));

        first.Subscriber.Tell(new SubscriptionEntries(Library, Entries[..3]));
        // Demand comes back only once the page is durably replicated: by then the local file holds it.
        Assert.Equal(3, leader.FishForMessage<RequestEntries>(_ => true, Patience).Count);
        Assert.Equal(3, ReadAll(Phone).Count);
        Assert.Equal(3, StatusOf(follower).LocalLatestSequence);
        first.Subscriber.Tell(new SubscriptionEntries(Library, Entries[4..6]));

        AssertReconnects(events, "sequence 5 where 4 was due");
        var second = Handshake(leader, latest: 6);
        Assert.Equal(3, second.AfterSequence);
        // The dropped subscription's late pushes go nowhere.
        first.Subscriber.Tell(new SubscriptionEntries(Library, Entries[3..6]));
        second.Subscriber.Tell(new SubscriptionEntries(Library, Entries[3..6]));
        AwaitLocal(follower, 6);
        AssertPhoneHolds(6);
    }

    [Fact]
    public void Dropped_replies_count_as_a_lost_leader_and_the_follower_retries_until_answered()
    {
        var events = EventsOf(Phone);
        var leader = CreateTestProbe();
        var follower = StartFollower(Phone, leader.Ref, ProbeSettings);

        leader.FishForMessage<GetLeadership>(_ => true, Patience);
        AssertReconnects(events, "no answer in time");
        leader.FishForMessage<GetLeadership>(_ => true, Patience);
        leader.Reply(new Leadership(Library, "leader", 1, true));
        leader.FishForMessage<Subscribe>(_ => true, Patience);
        AssertReconnects(events, "did not answer Subscribe");

        var subscribe = Handshake(leader, latest: 3);
        subscribe.Subscriber.Tell(new SubscriptionEntries(Library, Entries[..3]));
        AwaitLocal(follower, 3);
        AssertPhoneHolds(3);
        Assert.Equal(FollowerState.Following, StatusOf(follower).State);
    }

    [Fact]
    public void A_leader_that_dies_is_noticed_by_death_watch_and_FollowLeader_continues_from_the_local_latest()
    {
        var events = EventsOf(Phone);
        var leader = CreateTestProbe();
        var follower = StartFollower(Phone, leader.Ref, ProbeSettings);
        var subscribe = Handshake(leader, latest: 3);
        subscribe.Subscriber.Tell(new SubscriptionEntries(Library, Entries[..3]));
        AwaitLocal(follower, 3);

        Sys.Stop(leader.Ref);

        AssertReconnects(events, "the leader stopped");
        var next = CreateTestProbe();
        Assert.Equal(next.Ref.Path.ToString(), SwitchLeader(follower, next.Ref).Leader);
        var resumed = Handshake(next, latest: 5);
        Assert.Equal(3, resumed.AfterSequence);
        resumed.Subscriber.Tell(new SubscriptionEntries(Library, Entries[3..5]));
        AwaitLocal(follower, 5);
        AssertPhoneHolds(5);
    }

    [Fact]
    public void After_FollowLeader_the_old_leaders_pushes_are_ignored_and_its_older_term_is_refused()
    {
        var events = EventsOf(Phone);
        var old = CreateTestProbe();
        var follower = StartFollower(Phone, old.Ref, ProbeSettings);
        var oldSubscription = Handshake(old, latest: 3);
        oldSubscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[..3]));
        AwaitLocal(follower, 3);
        var current = CreateTestProbe();

        SwitchLeader(follower, current.Ref);
        var subscription = Handshake(current, latest: 5, term: 2);
        // The old leader still pushes: nothing of it is replicated.
        oldSubscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[3..7]));
        subscription.Subscriber.Tell(new SubscriptionEntries(Library, Entries[3..5]));
        AwaitLocal(follower, 5);
        Assert.Equal(5, StatusOf(follower).LocalLatestSequence);

        // Back to the old leader, still at term 1: the local log, which replicated term 2, refuses its pages.
        SwitchLeader(follower, old.Ref);
        var stale = Handshake(old, latest: 7);
        stale.Subscriber.Tell(new SubscriptionEntries(Library, Entries[5..7]));
        AssertReconnects(events, "older than the term 2");
        AssertPhoneHolds(5);
    }

    [Fact]
    public void Every_request_gets_one_reply_and_a_request_that_does_not_fit_is_refused()
    {
        var leader = CreateTestProbe();
        var follower = StartFollower(Phone, leader.Ref, ProbeSettings);
        var app = CreateTestProbe();
        var other = Guid.NewGuid();

        follower.Tell(new GetFollowerStatus(other), app.Ref);
        Assert.Contains(other.ToString(), app.ExpectMsg<FollowerRequestRefused>(Patience).Reason, StringComparison.Ordinal);
        follower.Tell(new ApproveResync(Library, 10), app.Ref);
        Assert.Contains("no resync is pending", app.ExpectMsg<FollowerRequestRefused>(Patience).Reason, StringComparison.Ordinal);
        follower.Tell(new FollowLeader(Library, ActorRefs.Nobody), app.Ref);
        Assert.Contains("leader must be an actor", app.ExpectMsg<FollowerRequestRefused>(Patience).Reason, StringComparison.Ordinal);
        follower.Tell(new GetFollowerStatus(Library), app.Ref);
        var status = app.ExpectMsg<FollowerStatus>(Patience);
        Assert.Equal((Library, leader.Ref.Path.ToString()), (status.LibraryId, status.Leader));
        app.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Each_durable_page_is_acknowledged_to_the_leader_with_the_device_and_the_local_log_id()
    {
        var leader = CreateTestProbe();
        var follower = StartFollower(Phone, leader.Ref, ProbeSettings with { AckInterval = TimeSpan.Zero });
        var subscribe = Handshake(leader, latest: 5);

        subscribe.Subscriber.Tell(new SubscriptionEntries(Library, Entries[..3]));

        var ack = leader.FishForMessage<AcknowledgeReplicated>(_ => true, Patience);
        Assert.Equal(new AcknowledgeReplicated(Library, "phone", LocalLogId(), 3), ack);
        // Sent only once the page is durable.
        Assert.Equal(3, ReadAll(Phone).Count);
        leader.Reply(new ReplicationAcknowledged(Library, "phone", ack.FollowerLogId, 3));
        subscribe.Subscriber.Tell(new SubscriptionEntries(Library, Entries[3..5]));
        Assert.Equal(5, leader.FishForMessage<AcknowledgeReplicated>(_ => true, Patience).Sequence);
        AwaitCondition(() => StatusOf(follower).AcknowledgedSequence == 3, Patience);
    }

    [Fact]
    public void Acknowledgements_are_throttled_to_one_per_interval_and_the_last_position_follows_when_it_ends()
    {
        var leader = CreateTestProbe();
        StartFollower(Phone, leader.Ref, ProbeSettings with { AckInterval = TimeSpan.FromSeconds(5) });
        var subscribe = Handshake(leader, latest: 9);

        // Three pages within one interval: the first is acknowledged at once, the last when the interval ends.
        subscribe.Subscriber.Tell(new SubscriptionEntries(Library, Entries[..3]));
        Assert.Equal(3, leader.FishForMessage<AcknowledgeReplicated>(_ => true, Patience).Sequence);
        subscribe.Subscriber.Tell(new SubscriptionEntries(Library, Entries[3..6]));
        subscribe.Subscriber.Tell(new SubscriptionEntries(Library, Entries[6..9]));

        var messages = new System.Collections.ArrayList();
        var next = leader.FishForMessage<AcknowledgeReplicated>(_ => true, messages, Patience);
        Assert.Equal(9, next.Sequence);
        Assert.Equal(2, messages.OfType<RequestEntries>().Count());
        Assert.DoesNotContain(messages.OfType<AcknowledgeReplicated>(), m => m.Sequence == 6);
    }

    private Guid LocalLogId()
    {
        var probe = CreateTestProbe();
        Phone.Host.Supervisor.Tell(new GetLogId(Library), probe.Ref);
        return probe.ExpectMsg<LogIdFound>(Patience).LogId;
    }
}
