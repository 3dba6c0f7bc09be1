namespace SyncLog.Storage.Tests;

public sealed class DivergenceSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_follower_accepts_a_matching_chain_and_ends_with_the_leaders_checksums()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(6));
        var page = (await leader.FetchSinceAsync(0, 100)).Entries;

        Assert.Equal(ReplicationOutcome.Applied, (await follower.ReplicateAsync(page.Take(3).ToList())).Outcome);
        Assert.Equal(ReplicationOutcome.Applied, (await follower.ReplicateAsync(page.Skip(3).ToList())).Outcome);

        Assert.Equal(await leader.ChainHeadAsync(), await follower.ChainHeadAsync());
        Assert.Equal(StoredRows.Checksums(leader), StoredRows.Checksums(follower));
    }

    [Fact]
    public async Task A_forged_entry_is_refused_as_diverged_naming_its_sequence_and_nothing_of_the_page_is_written()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(8));
        var page = (await leader.FetchSinceAsync(0, 100)).Entries.ToList();
        await follower.ReplicateAsync(page.Take(2).ToList());
        var rowsBefore = StoredRows.Checksums(follower);
        // Content changed in flight, the leader's checksum kept.
        page[5] = page[5] with { Data = """{"name":"forged"}""" };

        var result = await follower.ReplicateAsync(page.Skip(2).ToList());

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 2, 0, 6), result);
        Assert.Equal([1L, 2], Raw.Sequences(follower.FilePath));
        Assert.Equal(rowsBefore, StoredRows.Checksums(follower));
        Assert.Equal(2, await follower.LatestSequenceAsync());
    }

    [Fact]
    public async Task A_follower_with_a_different_history_refuses_the_leaders_next_entry_as_diverged()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(4));
        // Split brain: the follower logged its own entry 1 (it led for a while), then the leader's page from 2 arrives.
        await follower.AppendAsync(Entries.New(100));
        var page = (await leader.FetchSinceAsync(1, 100)).Entries;

        var result = await follower.ReplicateAsync(page);

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 1, 0, 2), result);
        Assert.Equal([1L], Raw.Sequences(follower.FilePath));
    }

    [Fact]
    public async Task An_exact_retry_passes_but_a_duplicate_with_another_chain_is_diverged()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(3));
        var page = (await leader.FetchSinceAsync(0, 100)).Entries;
        await follower.ReplicateAsync(page);

        var retry = await follower.ReplicateAsync(page);
        var otherChain = await follower.ReplicateAsync([page[1] with { Checksum = page[0].Checksum }]);

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 3, 0), retry);
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 3, 0, 2), otherChain);
    }

    [Fact]
    public async Task Entries_without_a_checksum_are_chained_locally_but_not_verified()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(3));
        var page = (await leader.FetchSinceAsync(0, 100)).Entries;

        await follower.ReplicateAsync(page.Select(e => e with { Checksum = null }).ToList());

        Assert.Equal(await leader.ChainHeadAsync(), await follower.ChainHeadAsync());
    }

    [Fact]
    public async Task A_truncated_fetch_carries_the_checksum_at_the_floor_and_a_resync_with_it_verifies_the_next_entry()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(10));
        var atSix = await leader.ChecksumAtAsync(6);
        await leader.VacuumOldEntriesAsync(Entries.T0.AddSeconds(6));
        var behind = await leader.FetchSinceAsync(0, 100);
        Assert.True(behind.IsTruncated);
        Assert.Equal(atSix, behind.VacuumedThroughChecksum);

        await follower.ResyncFromAsync(behind.VacuumedThroughSequence, behind.VacuumedThroughChecksum!.Value);
        var page = (await leader.FetchSinceAsync(6, 100)).Entries.ToList();
        var forged = await follower.ReplicateAsync([page[0] with { RecordId = "someone-else" }]);
        var applied = await follower.ReplicateAsync(page);

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 6, 0, 7), forged);
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 10, 4), applied);
        Assert.Equal(await leader.ChainHeadAsync(), await follower.ChainHeadAsync());
        Assert.True((await follower.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task After_a_resync_without_a_checksum_the_first_page_is_adopted_and_later_pages_are_verified()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(10));
        await follower.ResyncFromAsync(6);
        Assert.Null((await follower.ChainHeadAsync()).Checksum);
        var page = (await leader.FetchSinceAsync(6, 100)).Entries.ToList();

        Assert.Equal(new ReplicationResult(ReplicationOutcome.ChecksumRequired, 6, 0, 7),
            await follower.ReplicateAsync([page[0] with { Checksum = null }]));
        Assert.Equal(ReplicationOutcome.Applied, (await follower.ReplicateAsync(page.Take(2).ToList())).Outcome);
        var forged = await follower.ReplicateAsync([page[2] with { Data = "[]" }, page[3]]);

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 8, 0, 9), forged);
        Assert.Equal(ReplicationOutcome.Applied, (await follower.ReplicateAsync(page.Skip(2).ToList())).Outcome);
        Assert.Equal(await leader.ChecksumAtAsync(10), (await follower.ChainHeadAsync()).Checksum);
        var verified = await follower.VerifyChainAsync();
        Assert.True(verified.IsIntact, verified.Problem);
    }
}
