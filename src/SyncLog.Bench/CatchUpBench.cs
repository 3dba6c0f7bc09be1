using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using SyncLog.Actors;

namespace SyncLog.Bench;

/// <summary>
/// Section 11: an empty follower catching up a leader's log over Akka.Remote on loopback: two actor systems (leader
/// served through its gateway, follower as a remote peer) in this one process, each with its own data dir.
/// </summary>
internal static class CatchUpBench
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Seeds a leader with <paramref name="rows"/>, then times a fresh follower (pages of 1000, <paramref name="prefetchPages"/>
    /// pages of demand) from start until it holds them all.
    /// </summary>
    public static async Task<double> RunAsync(string workDir, SyncLog.Storage.NewSyncLogEntry[] rows, int prefetchPages)
    {
        var library = Guid.NewGuid();
        await using var leader = SyncLogHost.Start(Host(Path.Combine(workDir, "leader"), "leader", """
            akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
            akka.remote.dot-netty.tcp.port = 0
            """), "synclog");
        if (await leader.AskAsync(new LeadershipChanged(library, "leader", 1)) is not LeadershipAck)
            throw new InvalidOperationException("could not lead the catch-up library");
        foreach (var batch in rows.Chunk(1000))
        {
            if (await leader.AskAsync(new AppendBatch(library, batch)) is not BatchAppended)
                throw new InvalidOperationException("could not seed the catch-up library");
        }

        leader.StartGateway();
        var address = ((ExtendedActorSystem)leader.System).Provider.DefaultAddress + SyncLogGateway.Path;
        await using var follower = SyncLogHost.Start(Host(Path.Combine(workDir, "follower"), "follower", """
            akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
            akka.remote.dot-netty.tcp.port = 0
            """, prefetchPages), "follower");
        var gateway = await follower.System.ActorSelection(address).ResolveOne(Patience);

        var clock = Stopwatch.StartNew();
        var following = follower.StartFollower(library, gateway);
        while (true)
        {
            var status = await following.Ask<FollowerStatus>(new GetFollowerStatus(library), Patience);
            if (status.LocalLatestSequence == rows.Length)
                break;
            if (status.State is FollowerState.Diverged or FollowerState.Halted or FollowerState.ResyncRequired)
                throw new InvalidOperationException($"the follower stopped: {status.State}, {status.LastProblem}");
            if (clock.Elapsed > Patience)
                throw new TimeoutException($"the follower did not catch up within {Patience}: {status}");
            await Task.Delay(5);
        }

        return rows.Length / clock.Elapsed.TotalSeconds;
    }

    private static Config Host(string dataDir, string device, string remoting, int prefetchPages = 2) => ConfigurationFactory.ParseString($"""
        akka.actor.provider = remote
        {remoting}
        akka.remote.dot-netty.tcp.maximum-frame-size = 16MiB
        akka.loglevel = WARNING
        synclog.data-dir = {SyncLogConfig.Quote(dataDir)}
        synclog.data-dir-env = ""
        synclog.device-id = {device}
        synclog.follower.prefetch-pages = {prefetchPages}
        """);
}
