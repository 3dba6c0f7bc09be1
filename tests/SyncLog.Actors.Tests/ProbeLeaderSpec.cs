using Akka.Actor;
using Akka.TestKit;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Base of the follower specs where a probe plays the leader: nine real entries (real checksums, from a real leader's
/// log) for the spec to push by hand, and the real host of device "phone" the follower writes to.
/// </summary>
public abstract class ProbeLeaderSpec : FollowerSpec
{
    protected ProbeLeaderSpec()
    {
        var source = StartNode("leader");
        Lead(source, "leader", 1);
        AppendMany(source, 9);
        Entries = ReadAll(source);
        Phone = StartNode("phone");
    }

    /// <summary>Sequences 1 to 9 of the real leader's log, at term 1.</summary>
    protected List<SyncLogEntry> Entries { get; }

    /// <summary>The follower's own device, whose file shows what was replicated.</summary>
    protected Node Phone { get; }

    /// <summary>Answers the follower's leadership question and starts its subscription; returns the Subscribe it sent.</summary>
    protected Subscribe Handshake(TestProbe leader, long latest, long term = 1)
    {
        leader.FishForMessage<GetLeadership>(_ => true, Patience);
        leader.Reply(new Leadership(Library, "leader", term, true));
        var subscribe = leader.FishForMessage<Subscribe>(_ => true, Patience);
        subscribe.Subscriber.Tell(new SubscriptionStarted(Library, subscribe.AfterSequence, latest));
        return subscribe;
    }

    /// <summary>Tells <paramref name="follower"/> to follow <paramref name="leader"/> instead, as the app does, and returns its confirmation.</summary>
    protected FollowingLeader SwitchLeader(IActorRef follower, IActorRef leader)
    {
        var app = CreateTestProbe();
        follower.Tell(new FollowLeader(Library, leader), app.Ref);
        return app.ExpectMsg<FollowingLeader>(Patience);
    }

    /// <summary>Waits for the follower's next reconnect on <paramref name="events"/>; its reason must name <paramref name="cause"/>.</summary>
    protected static void AssertReconnects(TestProbe events, string cause) =>
        Assert.Contains(cause, events.FishForMessage<FollowerReconnecting>(_ => true, Patience).Reason, StringComparison.Ordinal);

    /// <summary>The phone's file holds the first <paramref name="count"/> entries and nothing else (row ids aside).</summary>
    protected void AssertPhoneHolds(int count) =>
        Assert.Equal(Entries[..count].Select(e => e with { Id = 0 }), ReadAll(Phone).Select(e => e with { Id = 0 }));
}
