using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using SyncLog.Actors;

namespace SyncLog.Bench.Tests;

/// <summary>Section 11's leader process: it serves over Akka.Remote, reports why when it cannot, and never outlives the bench.</summary>
public sealed class CatchUpLeaderSpecs : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "synclog-bench-leader", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_leader_process_serves_the_seeded_log_and_exits_when_let_go()
    {
        var library = Guid.NewGuid();
        var leaderDir = Path.Combine(_dir, "leader");
        await using (var seeding = SyncLogHost.Start(Local(leaderDir, "leader"), "seed"))
        {
            Assert.IsType<LeadershipAck>(await seeding.AskAsync(new LeadershipChanged(library, "leader", 1)));
            Assert.IsType<BatchAppended>(await seeding.AskAsync(new AppendBatch(library, [.. Payloads.Make(10)])));
        }

        int pid;
        await using (var leader = await CatchUpLeader.StartAsync(leaderDir))
        {
            pid = leader.ProcessId;
            Assert.NotEqual(Environment.ProcessId, pid);
            await using var peer = SyncLogHost.Start(SyncLogRemoting.Peer(tls: false).WithFallback(Local(Path.Combine(_dir, "peer"), "peer")), "peer");
            var gateway = await peer.System.ActorSelection(leader.Gateway).ResolveOne(Patience);
            var fetched = Assert.IsType<Fetched>(await gateway.Ask(new FetchSince(library, 0, 100), Patience));
            Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), fetched.Result.Entries.Select(e => e.Sequence));
            // Served as synclog serve serves: reads and following only.
            Assert.IsType<RequestNotServed>(await gateway.Ask(new Append(library, Payloads.Make(1)[0]), Patience));
        }

        Assert.True(Exited(pid), $"leader process {pid} still runs after the bench let it go");
    }

    [Fact]
    public async Task A_leader_that_cannot_open_its_data_dir_says_why_and_is_gone()
    {
        // Held by a host of this process: the leader process cannot take the data dir's lock.
        var leaderDir = Path.Combine(_dir, "held");
        await using var holder = SyncLogHost.Start(Local(leaderDir, "holder"), "holder");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => CatchUpLeader.StartAsync(leaderDir));

        Assert.Contains("exited with", failure.Message, StringComparison.Ordinal);
        Assert.Contains(leaderDir, failure.Message, StringComparison.Ordinal);
    }

    private static bool Exited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static Config Local(string dataDir, string device) => ConfigurationFactory.ParseString($"""
        akka.loglevel = WARNING
        synclog.data-dir = {SyncLogConfig.Quote(dataDir)}
        synclog.data-dir-env = ""
        synclog.device-id = {device}
        """);
}
