using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// The checksum chain through the actors: this spec's host leads (device-a), a second host on its own data dir follows.
/// </summary>
public sealed class DivergenceSpecs : SyncLogSpec, IAsyncLifetime
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
    public async Task A_forged_entry_is_refused_as_diverged_and_the_follower_keeps_what_it_had()
    {
        AppendMany(5);
        var page = LeaderPage(0).ToList();
        Assert.Equal(new Replicated(_library, 2), await _follower.AskAsync(new Replicate(_library, page.Take(2).ToList(), 1)));
        page[3] = page[3] with { Data = """{"forged":true}""" };

        var refused = await _follower.AskAsync(new Replicate(_library, page.Skip(2).ToList(), 1));

        Assert.Equal(new ReplicationRefused(_library, 2, ReplicationOutcome.Diverged, 4), refused);
        Assert.Equal(new LatestSequence(_library, 2), await _follower.AskAsync(new GetLatestSequence(_library)));
        Assert.True(Assert.IsType<ChainVerified>(await _follower.AskAsync(new VerifyChain(_library))).Result.IsIntact);
    }

    [Fact]
    public async Task Chain_heads_match_after_replication_and_a_resync_with_the_leaders_checksum_continues_verification()
    {
        var old = DateTimeOffset.UtcNow.AddDays(-40);
        var probe = CreateTestProbe();
        Supervisor.Tell(new AppendBatch(_library, Enumerable.Range(0, 4).Select(i => Entry(i, at: old)).ToList()), probe.Ref);
        probe.ExpectMsg<BatchAppended>(Patience);
        AppendMany(3);
        Supervisor.Tell(new VacuumOldEntries(_library, DateTimeOffset.UtcNow.AddDays(-30)), probe.Ref);
        Assert.Equal(4, probe.ExpectMsg<Vacuumed>(Patience).Removed);

        var behind = LeaderPageResult(0);
        Assert.True(behind.IsTruncated);
        Assert.NotNull(behind.VacuumedThroughChecksum);
        await _follower.AskAsync(new ResyncFrom(_library, 4, behind.VacuumedThroughChecksum));
        var page = LeaderPage(4).ToList();
        var forged = await _follower.AskAsync(new Replicate(_library, [page[0] with { Version = 9 }], 1));
        var mirrored = await _follower.AskAsync(new Replicate(_library, page, 1));

        Assert.Equal(new ReplicationRefused(_library, 4, ReplicationOutcome.Diverged, 5), forged);
        Assert.Equal(new Replicated(_library, 7), mirrored);
        Supervisor.Tell(new GetChainHead(_library), probe.Ref);
        var leaderHead = probe.ExpectMsg<ChainHeadFound>(Patience).Head;
        var followerHead = Assert.IsType<ChainHeadFound>(await _follower.AskAsync(new GetChainHead(_library))).Head;
        Assert.Equal(leaderHead, followerHead);
        Supervisor.Tell(new GetChecksumAt(_library, 6), probe.Ref);
        Assert.Equal(page[1].Checksum, probe.ExpectMsg<ChecksumFound>(Patience).Checksum);
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
