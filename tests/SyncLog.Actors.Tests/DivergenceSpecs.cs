using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// The checksum chain through the actors: this spec's host leads (device-a), a second host on its own data dir follows.
/// </summary>
public sealed class DivergenceSpecs : ReplicationSpec
{
    [Fact]
    public async Task A_forged_entry_is_refused_as_diverged_and_the_follower_keeps_what_it_had()
    {
        AppendMany(5);
        var page = LeaderPage(0).ToList();
        Assert.Equal(new Replicated(Library, 2), await Follower.AskAsync(new Replicate(Library, page.Take(2).ToList(), 1)));
        page[3] = page[3] with { Data = """{"forged":true}""" };

        var refused = await Follower.AskAsync(new Replicate(Library, page.Skip(2).ToList(), 1));

        Assert.Equal(new ReplicationRefused(Library, 2, ReplicationOutcome.Diverged, 4), refused);
        Assert.Equal(new LatestSequence(Library, 2), await Follower.AskAsync(new GetLatestSequence(Library)));
        Assert.True(Assert.IsType<ChainVerified>(await Follower.AskAsync(new VerifyChain(Library))).Result.IsIntact);
    }

    [Fact]
    public async Task A_set_with_the_leaders_checksums_refused_when_prepared_gets_one_InvalidRequest_and_writes_nothing()
    {
        var probe = CreateTestProbe();
        AppendMany(3);
        var page = LeaderPage(0).ToList();
        var broken = page.ToList();
        broken[1] = broken[1] with { Data = "{\"name\":" };

        Follower.Supervisor.Tell(new Replicate(Library, broken, 1), probe.Ref);

        Assert.StartsWith("data must be valid JSON", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        // Refused before the write: the follower's log was not even created.
        Assert.IsType<LibraryNotFound>(await Follower.AskAsync(new GetLatestSequence(Library)));
        Assert.Equal(new Replicated(Library, 3), await Follower.AskAsync(new Replicate(Library, page, 1)));
        Assert.True(Assert.IsType<ChainVerified>(await Follower.AskAsync(new VerifyChain(Library))).Result.IsIntact);
    }

    [Fact]
    public async Task Chain_heads_match_after_replication_and_a_resync_with_the_leaders_checksum_continues_verification()
    {
        var probe = CreateTestProbe();
        AppendThenVacuumExpired(4, fresh: 3);

        var behind = LeaderPageResult(0);
        Assert.True(behind.IsTruncated);
        Assert.NotNull(behind.VacuumedThroughChecksum);
        await Follower.AskAsync(new ResyncFrom(Library, 4, behind.VacuumedThroughChecksum));
        var page = LeaderPage(4).ToList();
        var forged = await Follower.AskAsync(new Replicate(Library, [page[0] with { Version = 9 }], 1));
        var mirrored = await Follower.AskAsync(new Replicate(Library, page, 1));

        Assert.Equal(new ReplicationRefused(Library, 4, ReplicationOutcome.Diverged, 5), forged);
        Assert.Equal(new Replicated(Library, 7), mirrored);
        Supervisor.Tell(new GetChainHead(Library), probe.Ref);
        var leaderHead = probe.ExpectMsg<ChainHeadFound>(Patience).Head;
        var followerHead = Assert.IsType<ChainHeadFound>(await Follower.AskAsync(new GetChainHead(Library))).Head;
        Assert.Equal(leaderHead, followerHead);
        Supervisor.Tell(new GetChecksumAt(Library, 6), probe.Ref);
        Assert.Equal(page[1].Checksum, probe.ExpectMsg<ChecksumFound>(Patience).Checksum);
    }
}
