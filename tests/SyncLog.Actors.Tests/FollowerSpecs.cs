using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>A <see cref="LibraryFollower"/> between real hosts: catch-up, live, restarts, leader loss, fail-over, vacuum, divergence.</summary>
public sealed class FollowerSpecs : FollowerSpec
{
    [Fact]
    public void An_empty_follower_catches_up_10000_entries_then_receives_live_appends_in_order()
    {
        var leader = StartNode("leader");
        var phone = StartNode("phone");
        Lead(leader, "leader", 1);
        AppendMany(leader, 10_000);
        var events = EventsOf(phone);

        // As an app starts it: the shipped synclog.follower settings.
        var follower = phone.Host.StartFollower(Library, leader.Host.Supervisor);

        var connected = events.FishForMessage<FollowerConnected>(_ => true, Patience);
        Assert.Equal((0L, 10_000L, 1L), (connected.AfterSequence, connected.LeaderLatestSequence, connected.LeaderTerm));
        events.FishForMessage<FollowerCaughtUp>(e => e.Sequence == 10_000, Patience * 2);
        for (var i = 0; i < 50; i++)
            AppendOne(leader, i);
        AwaitLocal(follower, 10_050);

        AssertSameLog(leader, phone);
        var status = StatusOf(follower);
        Assert.Equal((FollowerState.Following, 10_050L, 1L), (status.State, status.LocalLatestSequence, status.LeaderTerm));
        // The leader confirms the acknowledgement of the last entry (sent when the ack interval ends).
        AwaitCondition(() => StatusOf(follower).AcknowledgedSequence == 10_050, Patience);
    }

    [Fact]
    public void A_leader_demoted_while_it_stays_up_is_left_at_the_next_heartbeat_and_its_new_leader_followed()
    {
        var oldLeader = StartNode("leader");
        var next = StartNode("next");
        var phone = StartNode("phone");
        foreach (var node in new[] { oldLeader, next, phone })
            Lead(node, "leader", 1);
        AppendMany(oldLeader, 5);
        var events = EventsOf(phone);
        var follower = StartFollower(phone, oldLeader.Host.Supervisor);
        AwaitLocal(follower, 5);
        // A planned handover: the old leader learns it no longer leads, stays up, and keeps the subscription open.
        var copy = StartFollower(next, oldLeader.Host.Supervisor);
        AwaitLocal(copy, 5);
        next.Host.System.Stop(copy);
        Lead(oldLeader, "next", 2);
        Lead(next, "next", 2);

        var left = events.FishForMessage<FollowerReconnecting>(_ => true, Patience);

        Assert.Contains("no longer leads at term 1 (next leads at term 2)", left.Reason, StringComparison.Ordinal);
        follower.Tell(new FollowLeader(Library, next.Host.Supervisor));
        AppendOne(next, 6);
        AwaitLocal(follower, 6);
        AssertSameLog(next, phone);
    }

    [Fact]
    public void A_follower_follows_through_a_served_hosts_gateway_which_serves_only_reads_and_following()
    {
        var leader = StartNode("leader");
        var phone = StartNode("phone");
        Lead(leader, "leader", 1);
        AppendMany(leader, 1500, batch: 500);
        var gateway = leader.Host.System.ActorOf(SyncLogGateway.Props(leader.Host.Supervisor, allowWrites: false));

        var follower = StartFollower(phone, gateway);

        AwaitLocal(follower, 1500);
        AppendOne(leader, 1);
        AwaitLocal(follower, 1501);
        AssertSameLog(leader, phone);
        Assert.Equal(gateway.Path.ToString(), StatusOf(follower).Leader);
    }

    [Fact]
    public async Task A_follower_restarted_mid_stream_resumes_without_duplicates_or_holes()
    {
        var leader = StartNode("leader");
        var phone = StartNode("phone");
        Lead(leader, "leader", 1);
        AppendMany(leader, 5000, batch: 500);
        var follower = StartFollower(phone, leader.Host.Supervisor, Settings with { PageSize = 100 });
        AwaitLocal(follower, 1000);

        // The phone's whole host goes away while pages are in flight; the leader keeps appending.
        await StopNode(phone);
        AppendMany(leader, 500, batch: 100);
        var again = StartNode("phone", phone.DataDir);
        var events = EventsOf(again);
        var resumed = StartFollower(again, leader.Host.Supervisor);

        var connected = events.FishForMessage<FollowerConnected>(_ => true, Patience);
        Assert.InRange(connected.AfterSequence, 1000, 5000);
        AwaitLocal(resumed, 5500);
        for (var i = 0; i < 20; i++)
            AppendOne(leader, i);
        AwaitLocal(resumed, 5520);
        AssertSameLog(leader, again);
    }

    [Fact]
    public async Task When_the_leader_host_stops_the_follower_reconnects_with_backoff_and_resumes_when_it_is_back()
    {
        var leader = StartNode("leader");
        var phone = StartNode("phone");
        Lead(leader, "leader", 1);
        AppendMany(leader, 300);
        // The leader's stable address, as a remote path is: it forwards to whichever incarnation of the host runs.
        var gateway = Sys.ActorOf(Props.Create(() => new Gateway()));
        gateway.Tell(new Gateway.Route(leader.Host.Supervisor));
        var follower = StartFollower(phone, gateway, Settings with { AskTimeout = TimeSpan.FromSeconds(2) });
        AwaitLocal(follower, 300);
        var events = EventsOf(phone);

        gateway.Tell(new Gateway.Route(null));
        await StopNode(leader);

        // Each failed attempt waits longer: backoff-min doubled per attempt, capped at backoff-max (plus jitter).
        var attempts = Enumerable.Range(0, 4).Select(_ => events.FishForMessage<FollowerReconnecting>(_ => true, Patience)).ToList();
        Assert.Equal([1, 2, 3, 4], attempts.Select(a => a.Attempt));
        for (var i = 0; i < attempts.Count; i++)
        {
            var floor = TimeSpan.FromTicks(Math.Min(Settings.BackoffMax.Ticks, Settings.BackoffMin.Ticks << i));
            Assert.InRange(attempts[i].Delay, floor, floor * (1 + Settings.BackoffRandomFactor));
        }

        // Still trying: waiting out the fourth backoff, or (once it ran out, under load) in the next attempt.
        Assert.Contains(StatusOf(follower).State, new[] { FollowerState.Reconnecting, FollowerState.Connecting });

        var back = StartNode("leader", leader.DataDir);
        gateway.Tell(new Gateway.Route(back.Host.Supervisor));
        AppendMany(back, 200, batch: 50);

        events.FishForMessage<FollowerConnected>(e => e.AfterSequence == 300, Patience);
        AwaitLocal(follower, 500);
        AssertSameLog(back, phone);
        Assert.Equal(0, StatusOf(follower).ReconnectAttempt);
    }

    [Fact]
    public async Task After_fail_over_a_follower_switched_to_the_new_leader_continues_without_holes()
    {
        var (a, b, c) = StartThreeNodesLedByA();
        AppendMany(a, 1000, batch: 250);
        var bEvents = EventsOf(b);
        var cEvents = EventsOf(c);
        var quick = Settings with { AskTimeout = TimeSpan.FromSeconds(3) };
        StartFollower(b, a.Host.Supervisor, quick);
        var cFollower = StartFollower(c, a.Host.Supervisor, quick);
        AwaitLocal(cFollower, 1000);
        bEvents.FishForMessage<FollowerCaughtUp>(e => e.Sequence == 1000, Patience);

        // A dies; election makes B the leader at term 2 (both surviving devices learn it).
        await StopNode(a);
        bEvents.FishForMessage<FollowerReconnecting>(_ => true, Patience);
        cEvents.FishForMessage<FollowerReconnecting>(_ => true, Patience);
        Lead(b, "device-b", 2);
        Lead(c, "device-b", 2);

        // B's own follower sees its device lead now and stops replicating rather than fight the new leader.
        Assert.Contains("this device leads", bEvents.FishForMessage<FollowerHalted>(_ => true, Patience).Reason, StringComparison.Ordinal);
        AppendMany(b, 300, batch: 100);
        var app = CreateTestProbe();
        cFollower.Tell(new FollowLeader(Library, b.Host.Supervisor), app.Ref);
        app.ExpectMsg<FollowingLeader>(Patience);

        var connected = cEvents.FishForMessage<FollowerConnected>(_ => true, Patience);
        Assert.Equal((1000L, 2L), (connected.AfterSequence, connected.LeaderTerm));
        AwaitLocal(cFollower, 1300);
        AssertSameLog(b, c);
        Assert.Equal(2, StatusOf(cFollower).LeaderTerm);
    }

    [Fact]
    public void A_follower_behind_the_leaders_vacuum_asks_the_app_to_resync_and_continues_after_its_approval()
    {
        var leader = StartNode("leader");
        var phone = StartNode("phone");
        Lead(leader, "leader", 1);
        AppendMany(leader, 20, at: DateTimeOffset.UtcNow.AddDays(-40));
        AppendMany(leader, 5);
        var probe = CreateTestProbe();
        leader.Host.Supervisor.Tell(new VacuumOldEntries(Library, DateTimeOffset.UtcNow.AddDays(-30)), probe.Ref);
        Assert.Equal(20, probe.ExpectMsg<Vacuumed>(Patience).Removed);
        var events = EventsOf(phone);

        var follower = StartFollower(phone, leader.Host.Supervisor);

        Assert.Equal(new ResyncRequired(Library, 0, 20), events.FishForMessage<ResyncRequired>(_ => true, Patience));
        // Waiting for the app: nothing skipped, nothing replicated.
        var waiting = StatusOf(follower);
        Assert.Equal((FollowerState.ResyncRequired, 0L), (waiting.State, waiting.LocalLatestSequence));
        follower.Tell(new ApproveResync(Library, 19), probe.Ref);
        Assert.Contains("vacuum floor 20", probe.ExpectMsg<FollowerRequestRefused>(Patience).Reason, StringComparison.Ordinal);

        follower.Tell(new ApproveResync(Library, 20), probe.Ref);

        Assert.Equal(new FollowerResynced(Library, 20, 20), probe.ExpectMsg<FollowerResynced>(Patience));
        AwaitLocal(follower, 25);
        AppendOne(leader, 99);
        AwaitLocal(follower, 26);
        // Verified against the leader's chain from the floor's checksum on.
        AssertSameLog(leader, phone, after: 20);
    }

    [Fact]
    public void A_follower_that_was_away_past_the_max_retention_resyncs_over_its_old_entries_and_continues()
    {
        var leader = StartNode("leader");
        var phone = StartNode("phone");
        Lead(leader, "leader", 1);
        var old = DateTimeOffset.UtcNow.AddDays(-100);
        AppendMany(leader, 5, at: old);
        var first = StartFollower(phone, leader.Host.Supervisor);
        AwaitLocal(first, 5);
        StopFollower(phone, first);

        // While the phone is away the leader writes on; the phone's last ack gets older than synclog.max-retention (90d),
        // so the phone counts as lost and the leader vacuums past what it acknowledged. Set again until no ack of the
        // phone's is still on its way (an ack landing later would make it recent again).
        AppendMany(leader, 10, at: old);
        AppendMany(leader, 3);
        var probe = CreateTestProbe();
        AwaitCondition(() =>
        {
            FollowerAckClock.SetLastAck(SyncLogDb.PathFor(Library, leader.DataDir), "phone", DateTimeOffset.UtcNow.AddDays(-100));
            leader.Host.Supervisor.Tell(new VacuumOldEntries(Library, DateTimeOffset.UtcNow.AddDays(-30), DryRun: true), probe.Ref);
            return probe.ExpectMsg<Vacuumed>(Patience).Lost?.Any(f => f.DeviceId == "phone") == true;
        }, Patience);
        leader.Host.Supervisor.Tell(new VacuumOldEntries(Library, DateTimeOffset.UtcNow.AddDays(-30)), probe.Ref);
        var vacuumed = probe.ExpectMsg<Vacuumed>(Patience);
        Assert.Equal(15, vacuumed.Removed);
        Assert.Equal("phone", Assert.Single(vacuumed.Lost!).DeviceId);
        var events = EventsOf(phone);
        var follower = StartFollower(phone, leader.Host.Supervisor);

        Assert.Equal(new ResyncRequired(Library, 5, 15), events.FishForMessage<ResyncRequired>(_ => true, Patience));
        follower.Tell(new ApproveResync(Library, 15), probe.Ref);

        Assert.Equal(new FollowerResynced(Library, 15, 15), probe.ExpectMsg<FollowerResynced>(Patience));
        AwaitLocal(follower, 18);
        AssertSameLog(leader, phone, after: 15);
    }

    [Fact]
    public void The_followers_acknowledgements_hold_back_the_leaders_vacuum_while_it_is_away()
    {
        var leader = StartNode("leader");
        var phone = StartNode("phone");
        Lead(leader, "leader", 1);
        var old = DateTimeOffset.UtcNow.AddDays(-40);
        AppendMany(leader, 5, at: old);
        AckThenGoOffline(phone, leader, 5);
        AppendMany(leader, 10, at: old);
        var probe = CreateTestProbe();

        leader.Host.Supervisor.Tell(new VacuumOldEntries(Library, DateTimeOffset.UtcNow.AddDays(-30)), probe.Ref);

        // Past the retention, but only what the phone acknowledged goes: it resumes without a resync.
        Assert.Equal(5, probe.ExpectMsg<Vacuumed>(Patience).Removed);
        var events = EventsOf(phone);
        var follower = StartFollower(phone, leader.Host.Supervisor);
        Assert.Equal(5, events.FishForMessage<FollowerConnected>(_ => true, Patience).AfterSequence);
        AwaitLocal(follower, 15);
        AssertSameLog(leader, phone, after: 5);
    }

    [Fact]
    public void A_diverged_follower_tells_the_app_and_replicates_nothing_after()
    {
        var leader = StartNode("leader");
        var phone = StartNode("phone");
        // The phone once led at term 1 and wrote a history of its own; the leader wrote another at term 2.
        Lead(phone, "phone", 1);
        AppendMany(phone, 3);
        var own = ReadAll(phone);
        Lead(phone, "leader", 2);
        Lead(leader, "leader", 2);
        AppendMany(leader, 6);
        var events = EventsOf(phone);

        var follower = StartFollower(phone, leader.Host.Supervisor);

        Assert.Equal(new FollowerDiverged(Library, 4, 3), events.FishForMessage<FollowerDiverged>(_ => true, Patience));
        AppendMany(leader, 5);
        events.ExpectNoMsg(TimeSpan.FromSeconds(2));
        var status = StatusOf(follower);
        Assert.Equal((FollowerState.Diverged, 3L), (status.State, status.LocalLatestSequence));
        Assert.Equal(own, ReadAll(phone));
    }

    /// <summary>Forwards the protocol to the current leader host, or drops it while there is none (a network that is down).</summary>
    private sealed class Gateway : ReceiveActor
    {
        private IActorRef? _target;

        public Gateway()
        {
            Receive<Route>(route => _target = route.Target);
            ReceiveAny(message => _target?.Forward(message));
        }

        public sealed record Route(IActorRef? Target);
    }
}
