using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>This spec's host is the leader (device-a); a second host on its own data dir is the follower (device-b).</summary>
public sealed class ReplicationSpecs : SyncLogSpec, IAsyncLifetime
{
    private readonly Guid _library = Guid.NewGuid();
    private readonly string _followerDir = NewDataDir();
    private SyncLogHost _follower = null!;

    public async Task InitializeAsync()
    {
        _follower = SyncLogHost.Start(ConfigFor(_followerDir, OtherDevice), "follower");
        Lead(_library);
        Assert.IsType<LeadershipAck>(await _follower.AskAsync(new LeadershipChanged(_library, ThisDevice, 1)));
    }

    public async Task DisposeAsync()
    {
        await _follower.DisposeAsync();
        Directory.Delete(_followerDir, recursive: true);
    }

    [Fact]
    public async Task A_follower_mirrors_the_leaders_entries_with_their_sequences()
    {
        AppendMany(5);

        var page = LeaderPage(0);
        var reply = await _follower.AskAsync(new Replicate(_library, page, 1));

        Assert.Equal(new Replicated(_library, 5), reply);
        var mirrored = Assert.IsType<Fetched>(await _follower.AskAsync(new FetchSince(_library, 0, 100))).Result.Entries;
        Assert.Equal(page.Select(e => e with { Id = 0 }), mirrored.Select(e => e with { Id = 0 }));
        Assert.Equal(new LatestSequence(_library, 5), await _follower.AskAsync(new GetLatestSequence(_library)));
    }

    [Fact]
    public async Task A_retried_page_is_acknowledged_without_writing_twice()
    {
        AppendMany(3);
        var page = LeaderPage(0);
        await _follower.AskAsync(new Replicate(_library, page, 1));

        var retry = await _follower.AskAsync(new Replicate(_library, page, 1));

        Assert.Equal(new Replicated(_library, 3), retry);
        Assert.Equal(3, Assert.IsType<Stats>(await _follower.AskAsync(new GetStats(_library))).Value.Count);
    }

    [Fact]
    public async Task A_gap_is_refused_naming_the_local_latest_sequence()
    {
        AppendMany(6);
        await _follower.AskAsync(new Replicate(_library, LeaderPage(0).Take(2).ToList(), 1));

        var reply = await _follower.AskAsync(new Replicate(_library, LeaderPage(3), 1));

        Assert.Equal(new ReplicationRefused(_library, 2, ReplicationOutcome.Gap, null), reply);
        Assert.Equal(new LatestSequence(_library, 2), await _follower.AskAsync(new GetLatestSequence(_library)));
    }

    [Fact]
    public async Task A_conflicting_entry_is_refused()
    {
        AppendMany(2);
        var page = LeaderPage(0);
        await _follower.AskAsync(new Replicate(_library, page, 1));

        var reply = await _follower.AskAsync(new Replicate(_library, [page[1] with { Data = """{"forged":true}""" }], 1));

        Assert.Equal(new ReplicationRefused(_library, 2, ReplicationOutcome.Conflict, 2), reply);
    }

    [Fact]
    public void The_leader_does_not_accept_replication()
    {
        AppendMany(1);
        var probe = CreateTestProbe();

        Supervisor.Tell(new Replicate(_library, LeaderPage(0), 1), probe.Ref);

        Assert.Contains("only followers replicate", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follower_that_becomes_leader_continues_the_sequence_and_the_old_leader_is_refused()
    {
        AppendMany(4);
        await _follower.AskAsync(new Replicate(_library, LeaderPage(0), 1));

        Lead(_library, OtherDevice, term: 2);
        Assert.IsType<LeadershipAck>(await _follower.AskAsync(new LeadershipChanged(_library, OtherDevice, 2)));

        Assert.Equal(new Appended(_library, 5), await _follower.AskAsync(new Append(_library, Entry(5, device: OtherDevice))));
        var probe = CreateTestProbe();
        Supervisor.Tell(new Append(_library, Entry()), probe.Ref);
        Assert.Equal(new NotLeader(_library, OtherDevice, 2), probe.ExpectMsg<NotLeader>(Patience));

        // The old leader now follows: it mirrors what the new leader wrote and continues from there.
        var newEntries = Assert.IsType<Fetched>(await _follower.AskAsync(new FetchSince(_library, 4, 100))).Result.Entries;
        Supervisor.Tell(new Replicate(_library, newEntries, 2), probe.Ref);
        Assert.Equal(new Replicated(_library, 5), probe.ExpectMsg<Replicated>(Patience));
    }

    [Fact]
    public async Task A_follower_that_joins_after_the_leaders_vacuum_resyncs_and_then_mirrors()
    {
        var old = DateTimeOffset.UtcNow.AddDays(-40);
        var probe = CreateTestProbe();
        Supervisor.Tell(new AppendBatch(_library, Enumerable.Range(0, 5).Select(i => Entry(i, at: old)).ToList()), probe.Ref);
        probe.ExpectMsg<BatchAppended>(Patience);
        AppendMany(3);
        Supervisor.Tell(new VacuumOldEntries(_library, DateTimeOffset.UtcNow.AddDays(-30)), probe.Ref);
        Assert.Equal(5, probe.ExpectMsg<Vacuumed>(Patience).Removed);

        var behind = LeaderPageResult(0);
        Assert.True(behind.IsTruncated);
        var resynced = await _follower.AskAsync(new ResyncFrom(_library, behind.VacuumedThroughSequence));
        var mirrored = await _follower.AskAsync(new Replicate(_library, LeaderPage(behind.VacuumedThroughSequence), 1));

        Assert.Equal(new Resynced(_library, 5, 5), resynced);
        Assert.Equal(new Replicated(_library, 8), mirrored);
    }

    [Fact]
    public void The_leader_does_not_resync()
    {
        var probe = CreateTestProbe();

        Supervisor.Tell(new ResyncFrom(_library, 100), probe.Ref);

        Assert.Contains("only followers resync", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
        Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);
        probe.ExpectMsg<LibraryNotFound>(Patience);
    }

    private void AppendMany(int count)
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new AppendBatch(_library, Enumerable.Range(0, count).Select(i => Entry(i)).ToList()), probe.Ref);
        probe.ExpectMsg<BatchAppended>(Patience);
    }

    private IReadOnlyList<SyncLogEntry> LeaderPage(long since) => LeaderPageResult(since).Entries;

    private FetchResult LeaderPageResult(long since)
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new FetchSince(_library, since, 1000), probe.Ref);
        return probe.ExpectMsg<Fetched>(Patience).Result;
    }
}
