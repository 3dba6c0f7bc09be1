using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>This spec's host is the leader (device-a); a second host on its own data dir is the follower (device-b).</summary>
public sealed class ReplicationSpecs : ReplicationSpec
{
    [Fact]
    public async Task A_follower_mirrors_the_leaders_entries_with_their_sequences()
    {
        AppendMany(5);

        var page = LeaderPage(0);
        var reply = await Follower.AskAsync(new Replicate(Library, page, 1));

        Assert.Equal(new Replicated(Library, 5), reply);
        var mirrored = Assert.IsType<Fetched>(await Follower.AskAsync(new FetchSince(Library, 0, 100))).Result.Entries;
        Assert.Equal(page.Select(e => e with { Id = 0 }), mirrored.Select(e => e with { Id = 0 }));
        Assert.Equal(new LatestSequence(Library, 5), await Follower.AskAsync(new GetLatestSequence(Library)));
    }

    [Fact]
    public async Task A_retried_page_is_acknowledged_without_writing_twice()
    {
        AppendMany(3);
        var page = LeaderPage(0);
        await Follower.AskAsync(new Replicate(Library, page, 1));

        var retry = await Follower.AskAsync(new Replicate(Library, page, 1));

        Assert.Equal(new Replicated(Library, 3), retry);
        Assert.Equal(3, Assert.IsType<Stats>(await Follower.AskAsync(new GetStats(Library))).Value.Count);
    }

    [Fact]
    public async Task A_gap_is_refused_naming_the_local_latest_sequence()
    {
        AppendMany(6);
        await Follower.AskAsync(new Replicate(Library, LeaderPage(0).Take(2).ToList(), 1));

        var reply = await Follower.AskAsync(new Replicate(Library, LeaderPage(3), 1));

        Assert.Equal(new ReplicationRefused(Library, 2, ReplicationOutcome.Gap, null), reply);
        Assert.Equal(new LatestSequence(Library, 2), await Follower.AskAsync(new GetLatestSequence(Library)));
    }

    [Fact]
    public async Task A_conflicting_entry_is_refused()
    {
        AppendMany(2);
        var page = LeaderPage(0);
        await Follower.AskAsync(new Replicate(Library, page, 1));

        var reply = await Follower.AskAsync(new Replicate(Library, [page[1] with { Data = """{"forged":true}""" }], 1));

        Assert.Equal(new ReplicationRefused(Library, 2, ReplicationOutcome.Conflict, 2), reply);
    }

    [Fact]
    public void The_leader_does_not_accept_replication()
    {
        AppendMany(1);
        var probe = CreateTestProbe();

        Supervisor.Tell(new Replicate(Library, LeaderPage(0), 1), probe.Ref);

        Assert.Contains("only followers replicate", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follower_that_becomes_leader_continues_the_sequence_and_the_old_leader_is_refused()
    {
        AppendMany(4);
        await Follower.AskAsync(new Replicate(Library, LeaderPage(0), 1));

        Lead(Library, OtherDevice, term: 2);
        Assert.IsType<LeadershipAck>(await Follower.AskAsync(new LeadershipChanged(Library, OtherDevice, 2)));

        Assert.Equal(new Appended(Library, 5), await Follower.AskAsync(new Append(Library, Entry(5, device: OtherDevice))));
        var probe = CreateTestProbe();
        Supervisor.Tell(new Append(Library, Entry()), probe.Ref);
        Assert.Equal(new NotLeader(Library, OtherDevice, 2), probe.ExpectMsg<NotLeader>(Patience));

        // The old leader now follows: it mirrors what the new leader wrote and continues from there.
        var newEntries = Assert.IsType<Fetched>(await Follower.AskAsync(new FetchSince(Library, 4, 100))).Result.Entries;
        Supervisor.Tell(new Replicate(Library, newEntries, 2), probe.Ref);
        Assert.Equal(new Replicated(Library, 5), probe.ExpectMsg<Replicated>(Patience));
    }

    [Fact]
    public async Task A_follower_that_joins_after_the_leaders_vacuum_resyncs_and_then_mirrors()
    {
        AppendThenVacuumExpired(5, fresh: 3);

        var behind = LeaderPageResult(0);
        Assert.True(behind.IsTruncated);
        var resynced = await Follower.AskAsync(new ResyncFrom(Library, behind.VacuumedThroughSequence));
        var mirrored = await Follower.AskAsync(new Replicate(Library, LeaderPage(behind.VacuumedThroughSequence), 1));

        Assert.Equal(new Resynced(Library, 5, 5), resynced);
        Assert.Equal(new Replicated(Library, 8), mirrored);
    }

    [Fact]
    public void The_leader_does_not_resync()
    {
        var probe = CreateTestProbe();

        Supervisor.Tell(new ResyncFrom(Library, 100), probe.Ref);

        Assert.Contains("only followers resync", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
        Supervisor.Tell(new GetLatestSequence(Library), probe.Ref);
        probe.ExpectMsg<LibraryNotFound>(Patience);
    }
}
