using Akka.Actor;
using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A served host and a peer, both in untrusted mode (<see cref="SyncLogRemoting"/>), watching each other across an idle
/// spell: remote DeathWatch heartbeats are actor selections of <c>/system/remote-watcher</c>, so unless that path is
/// trusted each side takes the other for dead and quarantines it while it is alive.
/// </summary>
public sealed class RemoteWatchSpecs() : Akka.TestKit.Xunit2.TestKit(SyncLogRemoting.Peer(tls: false).WithFallback(QuickDetector).WithFallback(Quiet).WithFallback(SyncLogConfig.Defaults))
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    // Several failure-detection windows of the quick detector below: a side whose heartbeats go unanswered is
    // declared unreachable within about two seconds of them.
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(8);
    private static readonly Config Quiet = ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR");
    private static readonly Config QuickDetector = ConfigurationFactory.ParseString("""
        akka.remote.watch-failure-detector {
          heartbeat-interval = 200ms
          acceptable-heartbeat-pause = 1s
          expected-response-after = 200ms
          unreachable-nodes-reaper-interval = 200ms
        }
        """);

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "synclog-actor-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_peer_watching_a_served_host_stays_connected_and_current_across_an_idle_spell()
    {
        var library = Guid.NewGuid();
        await using var host = SyncLogHost.Start(SyncLogRemoting.Server(SyncLogRemoting.Loopback, 0, null, tls: false, allowWrites: true)
            .WithFallback(QuickDetector).WithFallback(SyncLogSpec.ConfigFor(_dataDir, "leader")).WithFallback(Quiet), SyncLogRemoting.SystemName);
        host.StartGateway();
        await host.Client.ChangeLeadershipAsync(library, "leader", 1);
        await host.Client.AppendAsync(library, Entry(1));
        var gateway = await Sys.ActorSelection(SyncLogRemoting.GatewayAddress(host.System)).ResolveOne(Patience);
        var probe = CreateTestProbe();
        var subscriber = CreateTestProbe();
        // As a follower does: it watches the gateway, and the host watches its subscriber.
        var watcher = CreateTestProbe();
        watcher.Watch(gateway);
        gateway.Tell(new Subscribe(library, 0, subscriber.Ref, 100), probe.Ref);
        subscriber.ExpectMsg<SubscriptionStarted>(Patience);
        Assert.Equal([1L], subscriber.ExpectMsg<SubscriptionEntries>(Patience).Entries.Select(e => e.Sequence));

        watcher.ExpectNoMsg(Idle);
        subscriber.ExpectNoMsg(TimeSpan.Zero);

        // Neither side quarantined the other: the live subscription still pushes, and requests still get answers.
        await host.Client.AppendAsync(library, Entry(2));
        Assert.Equal([2L], subscriber.ExpectMsg<SubscriptionEntries>(Patience).Entries.Select(e => e.Sequence));
        gateway.Tell(new GetLatestSequence(library), probe.Ref);
        Assert.Equal(2, probe.ExpectMsg<LatestSequence>(Patience).Sequence);
    }

    /// <inheritdoc />
    protected override void AfterAll()
    {
        base.AfterAll();
        if (Directory.Exists(_dataDir))
            Directory.Delete(_dataDir, recursive: true);
    }

    private static NewSyncLogEntry Entry(int n) =>
        new("leader", DateTimeOffset.UtcNow, "album", Guid.NewGuid().ToString(), ChangeType.Insert, $$"""{"n":{{n}}}""");
}
