using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Retention across a fail-over, between real hosts: a follower learns whom its leader waits for, so once elected it
/// vacuums nothing those devices have not acked, until they ack it.
/// </summary>
public sealed class HandoverSpecs : FollowerSpec
{
    private static readonly DateTimeOffset Old = DateTimeOffset.UtcNow.AddDays(-40);

    private Stats StatsOf(Node node)
    {
        var probe = CreateTestProbe();
        node.Host.Supervisor.Tell(new GetStats(Library), probe.Ref);
        return probe.ExpectMsg<Stats>(Patience);
    }

    private Vacuumed VacuumOn(Node node)
    {
        var probe = CreateTestProbe();
        node.Host.Supervisor.Tell(new VacuumOldEntries(Library, DateTimeOffset.UtcNow.AddDays(-30)), probe.Ref);
        return probe.ExpectMsg<Vacuumed>(Patience);
    }

    private static LearnedFollower? Learned(Stats stats, string device) =>
        stats.Value.LearnedFollowers?.SingleOrDefault(l => l.DeviceId == device);

    [Fact]
    public async Task An_elected_follower_keeps_what_a_device_acked_only_to_the_old_leader_needs_until_that_device_acks_it()
    {
        var (a, b, c) = StartThreeNodesLedByA();
        AppendMany(a, 10, at: Old);
        // C replicates and acks 1..10 to A, then goes offline; A writes on (entries old enough to vacuum by age alone).
        AckThenGoOffline(c, a, 10);
        AppendMany(a, 10, at: Old);

        // B follows A and learns A's table: C at 10, and A itself at what B holds.
        var learning = Settings with { LearnFollowersInterval = TimeSpan.FromMilliseconds(200) };
        var bFollower = StartFollower(b, a.Host.Supervisor, learning);
        AwaitLocal(bFollower, 20);
        AwaitCondition(() => Learned(StatsOf(b), "device-a")?.AckedSequence == 20, Patience);
        var learnedC = Learned(StatsOf(b), "device-c");
        Assert.Equal((10L, "device-a"), (learnedC!.AckedSequence, learnedC.LearnedFrom));
        Assert.Null(Learned(StatsOf(b), "device-b"));

        // A dies; B is elected. Vacuum on B keeps 11..20, which C has not acked anyone: no resync for C.
        await StopNode(a);
        Lead(b, "device-b", 2);
        Lead(c, "device-b", 2);
        var kept = VacuumOn(b);

        Assert.Equal((10, 10L), (kept.Removed, kept.ThroughSequence!.Value));
        Assert.Equal((11L, 10L), (kept.HeldBack!.FromSequence, kept.HeldBack.Entries));
        Assert.Equal("device-c", Assert.Single(kept.HeldBack.LearnedFollowers!).DeviceId);
        Assert.Empty(kept.HeldBack.Followers);

        // C comes back and follows B from where it was; its ack to B supersedes what B learned of it.
        var cEvents = EventsOf(c);
        var cFollower = StartFollower(c, b.Host.Supervisor, Settings with { AckInterval = TimeSpan.Zero });
        Assert.Equal(10, cEvents.FishForMessage<FollowerConnected>(_ => true, Patience).AfterSequence);
        AwaitCondition(() => StatusOf(cFollower).AcknowledgedSequence == 20, Patience);
        AssertSameLog(b, c, after: 10);

        var done = VacuumOn(b);
        Assert.Equal((10, 20L, null), (done.Removed, done.ThroughSequence!.Value, done.HeldBack));
        Assert.Null(Learned(StatsOf(b), "device-c"));
        Assert.Equal("device-c", Assert.Single(StatsOf(b).Value.Followers).DeviceId);
    }

    [Fact]
    public void A_device_the_leader_forgets_is_dropped_from_what_its_followers_learned()
    {
        var a = StartNode("device-a");
        var b = StartNode("device-b");
        Lead(a, "device-a", 1);
        Lead(b, "device-a", 1);
        AppendMany(a, 10, at: Old);
        var probe = CreateTestProbe();
        a.Host.Supervisor.Tell(new AcknowledgeReplicated(Library, "device-c", Guid.NewGuid(), 4), probe.Ref);
        probe.ExpectMsg<ReplicationAcknowledged>(Patience);
        var bFollower = StartFollower(b, a.Host.Supervisor, Settings with { LearnFollowersInterval = TimeSpan.FromMilliseconds(200) });
        AwaitLocal(bFollower, 10);
        AwaitCondition(() => Learned(StatsOf(b), "device-c")?.AckedSequence == 4, Patience);

        a.Host.Supervisor.Tell(new ForgetFollower(Library, "device-c"), probe.Ref);
        Assert.True(probe.ExpectMsg<FollowerForgotten>(Patience).WasKnown);

        // The next report replaces the learned set: only the leader itself is left.
        AwaitCondition(() => Learned(StatsOf(b), "device-c") is null, Patience);
        Assert.Equal("device-a", Assert.Single(StatsOf(b).Value.LearnedFollowers!).DeviceId);
    }

    [Fact]
    public void A_followers_report_the_old_leader_answers_after_the_follower_switched_is_not_learned()
    {
        var (a, b, c) = StartThreeNodesLedByA();
        AppendMany(a, 5);
        var cFollower = StartFollower(c, a.Host.Supervisor);
        AwaitLocal(cFollower, 5);
        StopFollower(c, cFollower);
        Lead(c, "device-c", 2);
        // B's host has not heard of term 2 yet: only its follower can keep A's late report out.
        var aAsked = CreateTestProbe();
        var cAsked = CreateTestProbe();
        var learnsSent = CreateTestProbe();
        var aProxy = b.Host.System.ActorOf(Props.Create(() => new HoldingProxy(a.Host.Supervisor, aAsked.Ref)));
        var cProxy = b.Host.System.ActorOf(Props.Create(() => new HoldingProxy(c.Host.Supervisor, cAsked.Ref)));
        var local = b.Host.System.ActorOf(Props.Create(() => new HoldingProxy(b.Host.Supervisor, learnsSent.Ref)));
        var follower = b.Host.System.ActorOf(LibraryFollower.Props(local, aProxy, Library, b.Device,
            Settings with { LearnFollowersInterval = TimeSpan.Zero }));
        aAsked.ExpectMsg<GetFollowers>(Patience);

        follower.Tell(new FollowLeader(Library, cProxy), TestActor);
        ExpectMsg<FollowingLeader>(Patience);
        cAsked.ExpectMsg<GetFollowers>(Patience);
        aProxy.Tell(new HoldingProxy.Release(new FollowersFound(Library, [new KnownFollower("ghost", 0, DateTimeOffset.UtcNow)], 1)));
        cProxy.Tell(new HoldingProxy.Release(null));

        var learned = learnsSent.ExpectMsg<LearnFollowers>(Patience);
        Assert.Equal(("device-c", 2L), (learned.LeaderDeviceId, learned.LeaderTerm));
        learnsSent.ExpectNoMsg(TimeSpan.FromSeconds(1));
        AwaitCondition(() => Learned(StatsOf(b), "device-c") is not null, Patience);
        Assert.Null(Learned(StatsOf(b), "ghost"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_follower_keeps_one_report_in_flight_to_its_host_and_sends_only_the_newest_one_held_meanwhile(bool firstRefused)
    {
        var a = StartNode("device-a");
        var b = StartNode("device-b");
        Lead(a, "device-a", 1);
        Lead(b, "device-a", 1);
        AppendMany(a, 3);
        // The probes play the leader's answers to GetFollowers and hold b's answers to LearnFollowers.
        var asks = CreateTestProbe();
        var reports = CreateTestProbe();
        var leader = b.Host.System.ActorOf(Props.Create(() => new Intercepting<GetFollowers>(a.Host.Supervisor, asks.Ref)));
        var local = b.Host.System.ActorOf(Props.Create(() => new Intercepting<LearnFollowers>(b.Host.Supervisor, reports.Ref)));
        b.Host.System.ActorOf(LibraryFollower.Props(local, leader, Library, b.Device,
            Settings with { LearnFollowersInterval = TimeSpan.FromMilliseconds(100) }));

        asks.ExpectMsg<Intercepted>(Patience).Sender.Tell(PhoneAcked(1));
        var first = reports.ExpectMsg<Intercepted>(Patience);
        Assert.Equal(1, PhoneIn(first));
        // Two newer views of the same term while the first report is unanswered: the host would write them concurrently.
        asks.ExpectMsg<Intercepted>(Patience).Sender.Tell(PhoneAcked(2));
        asks.ExpectMsg<Intercepted>(Patience).Sender.Tell(PhoneAcked(3));
        // Asked again only after it took the third answer: by now a report of it would have gone out.
        asks.ExpectMsg<Intercepted>(Patience);
        reports.ExpectNoMsg(TimeSpan.FromMilliseconds(500));

        if (firstRefused)
            first.Sender.Tell(new StorageFailure(Library, "disk I/O error"));
        else
            b.Host.Supervisor.Tell(first.Request, first.Sender);
        var newest = reports.ExpectMsg<Intercepted>(Patience);
        Assert.Equal(3, PhoneIn(newest));
        b.Host.Supervisor.Tell(newest.Request, newest.Sender);

        AwaitCondition(() => Learned(StatsOf(b), "phone")?.AckedSequence == 3, Patience);
        // The superseded view (phone at 2) was never sent, so nothing waits for an answer to it.
        reports.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    private FollowersFound PhoneAcked(long sequence) =>
        new(Library, [new KnownFollower("phone", sequence, DateTimeOffset.UtcNow)], LeaderTerm: 1);

    private static long PhoneIn(Intercepted report) =>
        Assert.IsType<LearnFollowers>(report.Request).Followers.Single(f => f.DeviceId == "phone").AckedSequence;

    // What an Intercepting actor took, with the sender to answer it.
    private sealed record Intercepted(object Request, IActorRef Sender);

    // Forwards everything to its target but the messages of type T, which it hands to a probe unanswered.
    private sealed class Intercepting<T> : ReceiveActor
    {
        public Intercepting(IActorRef target, IActorRef probe)
        {
            Receive<T>(message => probe.Tell(new Intercepted(message!, Sender)));
            ReceiveAny(message => target.Forward(message));
        }
    }

    // Forwards everything to its target but GetFollowers (or, in front of a host, LearnFollowers), which it reports to a
    // probe; a GetFollowers is held until Release answers it (null: let the target answer).
    private sealed class HoldingProxy : ReceiveActor
    {
        private readonly List<(IActorRef Sender, object Request)> _held = [];

        public HoldingProxy(IActorRef target, IActorRef probe)
        {
            Receive<Release>(release =>
            {
                foreach (var (sender, request) in _held)
                {
                    if (release.Reply is null)
                        target.Tell(request, sender);
                    else
                        sender.Tell(release.Reply);
                }

                _held.Clear();
            });
            Receive<GetFollowers>(ask =>
            {
                probe.Tell(ask);
                _held.Add((Sender, ask));
            });
            Receive<LearnFollowers>(learn =>
            {
                probe.Tell(learn);
                target.Forward(learn);
            });
            ReceiveAny(message => target.Forward(message));
        }

        public sealed record Release(object? Reply);
    }
}
