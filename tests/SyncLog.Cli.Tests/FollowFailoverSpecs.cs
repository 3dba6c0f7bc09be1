using System.Text.Json;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Tests;

/// <summary>
/// Leader and follower as two OS processes (<c>synclog serve</c> and <c>synclog follow</c>), a third (this test's
/// actor system) appending through the served gateway: the leader is killed with SIGKILL mid-stream, the follower's data
/// dir is elected and goes on, and the result is checked entry by entry against the files. With a served standby as a
/// second candidate leader, the follower switches to it once it is elected.
/// </summary>
public sealed class FollowFailoverSpecs() : ServedProcessesSpec("synclog-follow-tests")
{
    private readonly Guid _library = Guid.NewGuid();
    private string? _gateway;

    private string LeaderDir => Path.Combine(Root, "leader");

    private string FollowerDir => Path.Combine(Root, "follower");

    // Where the leader's serve listens: the port it picked the first time, and the same one when it is served again.
    private string Gateway => _gateway ?? throw new InvalidOperationException("the leader is not served yet");

    private string StandbyDir => Path.Combine(Root, "standby");

    [Fact]
    public async Task A_follower_holds_a_gap_free_prefix_of_a_killed_leader_and_continues_it_once_elected()
    {
        var leader = await ServeLeader();
        var follower = Follow();
        using var stop = new CancellationTokenSource();
        var gateway = await ResolveGateway(Gateway);
        var acked = 0L;
        var writing = Task.Run(async () =>
        {
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                var appended = await gateway.Ask<BatchAppended>(new AppendBatch(_library, [.. Enumerable.Range(0, 50).Select(i => Entry(batch * 50 + i))]), Patience);
                Interlocked.Exchange(ref acked, appended.Sequences[^1]);
            }
        });

        // Mid-stream: the follower has some of it, and the writer is still appending when the leader dies.
        await Until(() => Latest(FollowerDir) >= 500 && Interlocked.Read(ref acked) >= 1500, "the follower replicates while the writer appends");
        await leader.KillHard(Patience);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<Exception>(() => writing);
        Assert.Equal(0, await follower.Interrupt(Patience));

        var leaderRows = Rows(LeaderDir);
        var followerRows = Rows(FollowerDir);
        // Every append the leader acknowledged is in its file (durable before the reply), in order with no gap.
        Assert.True(leaderRows.Count >= Interlocked.Read(ref acked), $"leader file holds {leaderRows.Count}, {acked} were acked");
        Assert.Equal(Enumerable.Range(1, leaderRows.Count).Select(i => (long)i), leaderRows.Select(r => r.Sequence));
        // The follower holds a prefix of it, entry by entry: sequence, device, payload and checksum.
        Assert.InRange(followerRows.Count, 500, leaderRows.Count);
        Assert.Equal(leaderRows.Take(followerRows.Count), followerRows);

        // Fail-over: the follower's data dir is elected at a higher term and continues from its own latest, with no hole.
        Assert.Equal(0, Run(FollowerDir, "lead", "--library", _library.ToString(), "--term", "2").ExitCode);
        Assert.Equal(0, Run(FollowerDir, "append", "--library", _library.ToString(), "--device", "phone", "--model", "tag",
            "--record", "after-failover", "--change", "insert", "--data", """{"n":"after"}""").ExitCode);
        var elected = Rows(FollowerDir);
        Assert.Equal(Enumerable.Range(1, followerRows.Count + 1).Select(i => (long)i), elected.Select(r => r.Sequence));
        Assert.Equal(followerRows, elected.Take(followerRows.Count));
        Assert.Equal(("phone", """{"n":"after"}"""), (elected[^1].Device, elected[^1].Data));
        Assert.NotNull(elected[^1].Checksum);
    }

    [Fact]
    public async Task A_follower_left_behind_by_a_killed_leader_catches_up_to_its_whole_file_when_it_is_served_again()
    {
        var leader = await ServeLeader();
        var follower = Follow();
        var gateway = await ResolveGateway(Gateway);
        for (var batch = 0; batch < 40; batch++)
            await gateway.Ask<BatchAppended>(new AppendBatch(_library, [.. Enumerable.Range(0, 50).Select(i => Entry(batch * 50 + i))]), Patience);
        await leader.KillHard(Patience);
        var behind = Latest(FollowerDir);

        // The same data dir served again at the same address is a new actor system: the follow process finds it.
        var restarted = await Serve();
        await Until(() => Latest(FollowerDir) == 2000, $"the follower (at {behind} when the leader died) catches up to 2000");
        // A follower that had everything when the leader died notices only by its heartbeat, possibly after catching up.
        await Until(() => follower.Stdout.Any(l => l.Contains("\"event\":\"reconnecting\"", StringComparison.Ordinal)),
            "the follower says it lost the leader and reconnects");
        Assert.Equal(0, await follower.Interrupt(Patience));
        Assert.Equal(0, await restarted.Interrupt(Patience));

        var leaderRows = Rows(LeaderDir);
        Assert.Equal(2000, leaderRows.Count);
        Assert.Equal(leaderRows, Rows(FollowerDir));
        foreach (var line in follower.Stdout)
            Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("event", out _), line);
    }

    [Fact]
    public async Task A_follower_given_every_candidate_leader_follows_the_one_elected_after_the_leader_is_killed()
    {
        var leader = await ServeLeader();
        // The standby (the phone) holds the library with the laptop leading at term 1, so it does not lead yet.
        Directory.CreateDirectory(StandbyDir);
        Assert.Equal(0, Run(StandbyDir, "lead", "--library", _library.ToString(), "--term", "1", "--leader", "laptop").ExitCode);
        var (standby, standbyAddress) = await Serve(StandbyDir, "phone", "--allow-writes");
        var follower = Follow(Gateway, standbyAddress);
        var gateway = await ResolveGateway(Gateway);
        var standbyGateway = await ResolveGateway(standbyAddress);
        for (var batch = 0; batch < 20; batch++)
            await gateway.Ask<BatchAppended>(new AppendBatch(_library, [.. Enumerable.Range(0, 50).Select(i => Entry(batch * 50 + i))]), Patience);
        // The standby mirrors the leader as a follower would, under the leader's term.
        for (var since = 0L; since < 1000;)
        {
            var page = (await gateway.Ask<Fetched>(new FetchSince(_library, since, 1000), Patience)).Result;
            since = (await standbyGateway.Ask<Replicated>(new Replicate(_library, page.Entries, 1), Patience)).LatestSequence;
        }

        await Until(() => Latest(FollowerDir) == 1000, "the follower follows the leader that leads at term 1");
        await leader.KillHard(Patience);
        Assert.IsType<LeadershipAck>(await standbyGateway.Ask<object>(new LeadershipChanged(_library, "phone", 2), Patience));
        for (var batch = 20; batch < 30; batch++)
            await standbyGateway.Ask<BatchAppended>(new AppendBatch(_library, [.. Enumerable.Range(0, 50).Select(i => Entry(batch * 50 + i))]), Patience);

        await Until(() => Latest(FollowerDir) == 1500, "the follower finds the standby elected at term 2 and catches up to it");
        Assert.Equal(0, await follower.Interrupt(Patience));
        Assert.Equal(0, await standby.Interrupt(Patience));

        var events = follower.Stdout.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        bool Event(string name, string leader, long term) => events.Any(e => e.GetProperty("event").GetString() == name
            && e.GetProperty("leader").GetString() == leader && e.GetProperty("leader_term").GetInt64() == term);
        Assert.True(Event("following-leader", Gateway, 1), string.Join('\n', follower.Stdout));
        Assert.True(Event("following-leader", standbyAddress, 2), string.Join('\n', follower.Stdout));
        Assert.True(Event("connected", standbyAddress, 2), string.Join('\n', follower.Stdout));
        var standbyRows = Rows(StandbyDir);
        Assert.Equal(1500, standbyRows.Count);
        Assert.Equal(standbyRows, Rows(FollowerDir));
    }

    private async Task<SynclogProcess> ServeLeader()
    {
        Directory.CreateDirectory(LeaderDir);
        Assert.Equal(0, Run(LeaderDir, "lead", "--library", _library.ToString(), "--term", "1").ExitCode);
        return await Serve();
    }

    private async Task<SynclogProcess> Serve()
    {
        string[] port = _gateway is null ? [] : ["--port", PortOf(_gateway)];
        var (leader, gateway) = await Serve(LeaderDir, "laptop", ["--allow-writes", .. port]);
        _gateway = gateway;
        return leader;
    }

    // The default backoff grows to 30 s while the leader is down; the specs only need to see the follower come back.
    private SynclogProcess Follow(params string[] candidates)
    {
        var config = Path.Combine(Root, "follower.conf");
        File.WriteAllText(config, "synclog.follower.backoff-max = 1s\n");
        // One leader as before; with several candidates it acks as the NAS, since the standby it may follow is the phone.
        string[] leaders = candidates.Length == 0 ? ["--leader", Gateway] : [.. candidates.SelectMany(c => (string[])["--leader", c])];
        return Start(["follow", "--data-dir", FollowerDir, "--config", config, "--host-device", "laptop", "--device-id", candidates.Length == 0 ? "phone" : "nas",
            "--library", _library.ToString(), .. leaders, "--json"]);
    }

    private static CliRun Run(string dataDir, params string[] args) => Synclog.RunIn(dataDir, args);

    // A read-only 'synclog latest' beside the process that owns the data dir; 0 before the library exists there.
    private long Latest(string dataDir)
    {
        if (!File.Exists(SyncLogDb.PathFor(_library, dataDir)))
            return 0;
        var run = Run(dataDir, "latest", "--library", _library.ToString(), "--json");
        if (run.ExitCode != 0)
            return 0;
        using var json = JsonDocument.Parse(run.Stdout);
        return json.RootElement.GetProperty("latest_sequence").GetInt64();
    }

    private List<(long Sequence, string Device, string Data, string? Checksum)> Rows(string dataDir)
    {
        using var db = new SqliteConnection($"Data Source={SyncLogDb.PathFor(_library, dataDir)};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = """
            SELECT l.sequence, l.device_id, l.data, hex(c.checksum)
            FROM sync_log l LEFT JOIN sync_log_checksum c ON c.sequence = l.sequence
            ORDER BY l.sequence
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string, string, string?)>();
        while (reader.Read())
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        return rows;
    }

    private static NewSyncLogEntry Entry(int n) =>
        new("laptop", DateTimeOffset.UtcNow, "album", Guid.NewGuid().ToString(), ChangeType.Insert, $$"""{"n":{{n}}}""");
}
