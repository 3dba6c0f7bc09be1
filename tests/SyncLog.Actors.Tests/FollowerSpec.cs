using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Base of the follower specs: every host (leader or follower) is a <see cref="SyncLogHost"/> in an actor system of its
/// own on a data dir of its own, as separate devices are; hosts can be stopped and started again on the same data dir.
/// The TestKit system holds only the probes. Every data dir is removed afterwards.
/// </summary>
public abstract class FollowerSpec : Akka.TestKit.Xunit2.TestKit
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<Node> _nodes = [];

    protected FollowerSpec()
        : base(ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING"))
    {
    }

    protected Guid Library { get; } = Guid.NewGuid();

    /// <summary>Settings that never give up on a loaded machine but reconnect quickly.</summary>
    protected static FollowerSettings Settings { get; } = new()
    {
        PageSize = 500,
        AskTimeout = TimeSpan.FromSeconds(30),
        BackoffMin = TimeSpan.FromMilliseconds(50),
        BackoffMax = TimeSpan.FromMilliseconds(800),
        HeartbeatInterval = TimeSpan.FromSeconds(1),
    };

    /// <summary>Starts (or restarts, on the same data dir) the host of device <paramref name="device"/>.</summary>
    protected Node StartNode(string device, string? dataDir = null)
    {
        var dir = dataDir ?? Path.Combine(Path.GetTempPath(), "synclog-follower-tests", Guid.NewGuid().ToString("N"));
        var host = SyncLogHost.Start(SyncLogSpec.ConfigFor(dir, device), $"{device}-{Guid.NewGuid():N}");
        var node = new Node(device, dir, host);
        _nodes.Add(node);
        return node;
    }

    protected static async Task StopNode(Node node) => await node.Host.DisposeAsync();

    /// <summary>Devices a, b and c, each told that device-a leads <see cref="Library"/> at term 1: a leader and two candidates to fail over to.</summary>
    protected (Node A, Node B, Node C) StartThreeNodesLedByA()
    {
        var nodes = (A: StartNode("device-a"), B: StartNode("device-b"), C: StartNode("device-c"));
        foreach (var node in new[] { nodes.A, nodes.B, nodes.C })
            Lead(node, "device-a", 1);
        return nodes;
    }

    /// <summary>Starts a follower of <see cref="Library"/> inside <paramref name="node"/>'s actor system, as the device's app would.</summary>
    protected IActorRef StartFollower(Node node, IActorRef leader, FollowerSettings? settings = null) =>
        node.Host.System.ActorOf(LibraryFollower.Props(node.Host.Supervisor, leader, Library, node.Device, settings ?? Settings));

    /// <summary>
    /// Follows <paramref name="leader"/> from <paramref name="node"/>, acking each page at once, until it has acked
    /// <paramref name="sequence"/>, then stops that follower: a device that acked and went offline.
    /// </summary>
    protected void AckThenGoOffline(Node node, Node leader, long sequence)
    {
        var follower = StartFollower(node, leader.Host.Supervisor, Settings with { AckInterval = TimeSpan.Zero });
        AwaitCondition(() => StatusOf(follower).AcknowledgedSequence == sequence, Patience);
        StopFollower(node, follower);
    }

    /// <summary>Stops <paramref name="follower"/> in <paramref name="node"/>'s actor system and waits until it has stopped.</summary>
    protected void StopFollower(Node node, IActorRef follower)
    {
        Watch(follower);
        node.Host.System.Stop(follower);
        ExpectTerminated(follower, Patience);
    }

    /// <summary>A probe that receives every event the followers in <paramref name="node"/>'s actor system publish.</summary>
    protected TestProbe EventsOf(Node node)
    {
        var probe = CreateTestProbe();
        node.Host.System.EventStream.Subscribe(probe.Ref, typeof(IFollowerEvent));
        return probe;
    }

    protected void Lead(Node node, string leader, long term)
    {
        var probe = CreateTestProbe();
        node.Host.Supervisor.Tell(new LeadershipChanged(Library, leader, term), probe.Ref);
        probe.ExpectMsg<LeadershipAck>(Patience);
    }

    protected void AppendMany(Node leader, int count, int batch = 1000, DateTimeOffset? at = null)
    {
        var probe = CreateTestProbe();
        for (var done = 0; done < count; done += batch)
        {
            var entries = Enumerable.Range(done, Math.Min(batch, count - done)).Select(i => Entry(leader.Device, i, at)).ToList();
            leader.Host.Supervisor.Tell(new AppendBatch(Library, entries), probe.Ref);
            probe.ExpectMsg<BatchAppended>(Patience);
        }
    }

    protected long AppendOne(Node leader, int n)
    {
        var probe = CreateTestProbe();
        leader.Host.Supervisor.Tell(new Append(Library, Entry(leader.Device, n)), probe.Ref);
        return probe.ExpectMsg<Appended>(Patience).Sequence;
    }

    protected static NewSyncLogEntry Entry(string device, int n, DateTimeOffset? at = null) =>
        new(device, at ?? DateTimeOffset.UtcNow, "album", Guid.NewGuid().ToString(), ChangeType.Insert,
            $$"""{"n":{{n}},"name":"item {{n}}"}""");

    protected FollowerStatus StatusOf(IActorRef follower)
    {
        var probe = CreateTestProbe();
        follower.Tell(new GetFollowerStatus(Library), probe.Ref);
        return probe.ExpectMsg<FollowerStatus>(Patience);
    }

    /// <summary>Waits until the follower's local log reaches <paramref name="sequence"/> (by asking its status).</summary>
    protected void AwaitLocal(IActorRef follower, long sequence) =>
        AwaitCondition(() => StatusOf(follower).LocalLatestSequence >= sequence, Patience * 2, TimeSpan.FromMilliseconds(100));

    /// <summary>Every entry of the library on <paramref name="node"/>, paged with FetchSince.</summary>
    protected List<SyncLogEntry> ReadAll(Node node, long after = 0) =>
        SyncLogSpec.ReadAll(node.Host.Supervisor, Library, CreateTestProbe(), Patience, after);

    /// <summary>
    /// The follower's copy equals the leader's entry by entry (sequence, every field, payload, checksum), and its
    /// sequences run from <paramref name="after"/> + 1 without a hole.
    /// </summary>
    protected void AssertSameLog(Node leader, Node follower, long after = 0)
    {
        var expected = ReadAll(leader, after);
        var mirrored = ReadAll(follower, after);
        Assert.Equal(Enumerable.Range(1, mirrored.Count).Select(i => after + i), mirrored.Select(e => e.Sequence));
        Assert.Equal(expected.Count, mirrored.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i] with { Id = 0 }, mirrored[i] with { Id = 0 });
            Assert.NotNull(mirrored[i].Checksum);
        }
    }

    protected override void AfterAll()
    {
        foreach (var node in _nodes)
            node.Host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.AfterAll();
        foreach (var dir in _nodes.Select(n => n.DataDir).Distinct())
            TempDirs.Remove(dir);
    }

    /// <summary>One device: its id, its data dir and its running host.</summary>
    protected sealed record Node(string Device, string DataDir, SyncLogHost Host);
}
