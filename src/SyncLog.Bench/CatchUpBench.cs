using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// Section 11: an empty follower catching up a leader's log over Akka.Remote on loopback, across two OS processes: the
/// leader served by a <see cref="CatchUpLeader"/> process, the follower in this one, each with its own data dir.
/// </summary>
internal static class CatchUpBench
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Seeds a leader with <paramref name="rows"/>, serves it from a process of its own, then times one fresh follower
    /// (pages of 1000) per entry of <paramref name="setups"/> from start until it holds every row, after one
    /// unmeasured catch-up that warms both processes up. Returns the measurements in the order given.
    /// </summary>
    public static async Task<IReadOnlyList<CatchUpResult>> RunAsync(string workDir, NewSyncLogEntry[] rows, IReadOnlyList<CatchUpSetup> setups)
    {
        var library = Guid.NewGuid();
        var leaderDir = Path.Combine(workDir, "leader");
        await SeedAsync(leaderDir, library, rows);
        await using var leader = await CatchUpLeader.StartAsync(leaderDir);
        await CatchUpAsync(Path.Combine(workDir, "follower-warm-up"), library, leader, rows.Length, setups[0]);
        var rates = new List<CatchUpResult>();
        for (var i = 0; i < setups.Count; i++)
            rates.Add(await CatchUpAsync(Path.Combine(workDir, $"follower-{i}"), library, leader, rows.Length, setups[i]));
        return rates;
    }

    // The leader's data dir is filled in this process and released before the leader process opens it.
    private static async Task SeedAsync(string dataDir, Guid library, NewSyncLogEntry[] rows)
    {
        await using var seeding = SyncLogHost.Start(Host(dataDir, "leader"), "seed");
        if (await seeding.AskAsync(new LeadershipChanged(library, "leader", 1)) is not LeadershipAck)
            throw new InvalidOperationException("could not lead the catch-up library");
        foreach (var batch in rows.Chunk(1000))
        {
            if (await seeding.AskAsync(new AppendBatch(library, batch)) is not BatchAppended)
                throw new InvalidOperationException("could not seed the catch-up library");
        }
    }

    private static async Task<CatchUpResult> CatchUpAsync(string dataDir, Guid library, CatchUpLeader leader, int rows, CatchUpSetup setup)
    {
        // Each follower has its own device id, so the leader keeps one acknowledgement per run.
        var device = Path.GetFileName(dataDir);
        var config = SyncLogRemoting.Peer(tls: false).WithFallback(Host(dataDir, device, setup));
        await using var follower = SyncLogHost.Start(config, "follower");
        var gateway = await follower.System.ActorSelection(leader.Gateway).ResolveOne(Patience);

        using var self = Process.GetCurrentProcess();
        var (followerCpu, leaderCpu) = (self.TotalProcessorTime, leader.CpuTime);
        var clock = Stopwatch.StartNew();
        var following = follower.StartFollower(library, gateway);
        while (true)
        {
            var status = await following.Ask<FollowerStatus>(new GetFollowerStatus(library), Patience);
            if (status.LocalLatestSequence == rows)
            {
                var elapsed = clock.Elapsed;
                self.Refresh();
                return new CatchUpResult(rows / elapsed.TotalSeconds, (self.TotalProcessorTime - followerCpu).TotalMicroseconds / rows,
                    (leader.CpuTime - leaderCpu).TotalMicroseconds / rows);
            }

            if (status.State is FollowerState.Diverged or FollowerState.Halted or FollowerState.ResyncRequired)
                throw new InvalidOperationException($"the follower stopped: {status.State}, {status.LastProblem}; leader said: {leader.Output}");
            if (clock.Elapsed > Patience)
                throw new TimeoutException($"the follower did not catch up within {Patience}: {status}; leader said: {leader.Output}");
            await Task.Delay(5);
        }
    }

    private static Config Host(string dataDir, string device, CatchUpSetup? setup = null) => ConfigurationFactory.ParseString($"""
        akka.loglevel = WARNING
        synclog.data-dir = {SyncLogConfig.Quote(dataDir)}
        synclog.data-dir-env = ""
        synclog.device-id = {SyncLogConfig.Quote(device)}
        synclog.follower.prefetch-pages = {setup?.PrefetchPages ?? 2}
        synclog.follower.max-replicate-rows = {setup?.MaxReplicateRows ?? 10_000}
        """);
}

/// <summary>One measured catch-up: rows per second, and CPU time per row of the follower's and the leader's process.</summary>
internal sealed record CatchUpResult(double RowsPerSecond, double FollowerCpuMicrosPerRow, double LeaderCpuMicrosPerRow);

/// <summary>The follower settings of one measured catch-up: its demand in pages of 1000 and its largest transaction.</summary>
internal sealed record CatchUpSetup(int PrefetchPages, int MaxReplicateRows);
