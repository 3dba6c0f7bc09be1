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
    /// Seeds a leader with <paramref name="rows"/>, serves it from a process of its own and, after one unmeasured
    /// catch-up that warms both processes up, runs <paramref name="rounds"/> rounds: a raw 1000 rows/tx insert of the same
    /// rows in this process, then one fresh follower (pages of 1000) per entry of <paramref name="setups"/>, timed from
    /// start until it holds every row, in an order that rotates each round, so raw and every setup see the same drift of
    /// a shared machine. Returns the raw rates and each setup's measurements, in the order given.
    /// </summary>
    public static async Task<CatchUpReport> RunAsync(string workDir, NewSyncLogEntry[] rows, IReadOnlyList<CatchUpSetup> setups, int rounds)
    {
        var library = Guid.NewGuid();
        var leaderDir = Path.Combine(workDir, "leader");
        await SeedAsync(leaderDir, library, rows);
        await using var leader = await CatchUpLeader.StartAsync(leaderDir);
        await MeasureAsync(Path.Combine(workDir, "follower-warm-up"), library, leader, rows.Length, setups[0]);
        var raw = new List<double>();
        var runs = setups.Select(_ => new List<CatchUpResult>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            raw.Add(await RawSqliteBench.InsertRateAsync(Path.Combine(workDir, $"raw-{round}"), rows));
            for (var k = 0; k < setups.Count; k++)
            {
                var i = (k + round) % setups.Count;
                runs[i].Add(await MeasureAsync(Path.Combine(workDir, $"follower-{i}-{round}"), library, leader, rows.Length, setups[i]));
            }
        }

        return new CatchUpReport(Spread.Of(raw), runs.Select(r => new CatchUpSummary(Spread.Of(r.Select(x => x.RowsPerSecond)),
            Median(r.Select(x => x.FollowerCpuMicrosPerRow)), Median(r.Select(x => x.LeaderCpuMicrosPerRow)))).ToList());
    }

    private static async Task<CatchUpResult> MeasureAsync(string dataDir, Guid library, CatchUpLeader leader, int rows, CatchUpSetup setup)
    {
        var result = await CatchUpAsync(dataDir, library, leader, rows, setup);
        // Twelve followers of 100,000 rows would take half a gigabyte; each is done with once measured.
        Directory.Delete(dataDir, recursive: true);
        return result;
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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

/// <summary>Section 11's measurements: the raw 1000 rows/tx rates between the catch-ups, and each setup's summary.</summary>
internal sealed record CatchUpReport(Spread Raw, IReadOnlyList<CatchUpSummary> Setups);

/// <summary>One setup over every round: its rates, and the median CPU time per row of the follower's and the leader's process.</summary>
internal sealed record CatchUpSummary(Spread Rate, double FollowerCpuMicrosPerRow, double LeaderCpuMicrosPerRow);

/// <summary>The median, smallest and largest of repeated measurements.</summary>
internal sealed record Spread(double Median, double Min, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var all = values.ToArray();
        return new Spread(CatchUpBench.Median(all), all.Min(), all.Max());
    }
}

/// <summary>One measured catch-up: rows per second, and CPU time per row of the follower's and the leader's process.</summary>
internal sealed record CatchUpResult(double RowsPerSecond, double FollowerCpuMicrosPerRow, double LeaderCpuMicrosPerRow);

/// <summary>The follower settings of one measured catch-up: its demand in pages of 1000 and its largest transaction.</summary>
internal sealed record CatchUpSetup(int PrefetchPages, int MaxReplicateRows);
