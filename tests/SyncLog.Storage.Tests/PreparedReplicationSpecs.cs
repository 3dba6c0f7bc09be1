namespace SyncLog.Storage.Tests;

public sealed class PreparedReplicationSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(SyncLogDb Leader, List<SyncLogEntry> Page)> LeaderAsync(int count)
    {
        var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(count));
        return (leader, (await leader.FetchSinceAsync(0, 100)).Entries.ToList());
    }

    [Fact]
    public async Task A_set_whose_inner_link_is_broken_is_refused_naming_that_sequence_and_nothing_is_written()
    {
        var (leader, page) = await LeaderAsync(8);
        await using var _ = leader;
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await follower.ReplicateAsync(page.Take(2).ToList());
        var (rows, checksums) = (StoredRows.Entries(follower), StoredRows.Checksums(follower));
        // Entry 5's content changed in flight, its checksum kept: 5 no longer follows from 4; 6 still follows from 5.
        var forged = page.Skip(2).ToList();
        forged[2] = forged[2] with { Data = """{"name":"forged"}""" };

        var set = SyncLogDb.PrepareReplication(forged);
        var result = await follower.ReplicateAsync(set);

        Assert.True(set.IsChained);
        Assert.Equal(5, set.BrokenLinkAt);
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 2, 0, 5), result);
        Assert.Equal(rows, StoredRows.Entries(follower));
        Assert.Equal(checksums, StoredRows.Checksums(follower));
        Assert.Equal(2, await follower.LatestSequenceAsync());
        // The refusal left the log as it was: the leader's own set still continues it.
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 8, 6), await follower.ReplicateAsync(SyncLogDb.PrepareReplication(page.Skip(2).ToList())));
        Assert.Equal(await leader.ChainHeadAsync(), await follower.ChainHeadAsync());
    }

    [Fact]
    public async Task A_forged_checksum_inside_a_set_is_refused_at_its_own_sequence_not_at_the_next()
    {
        var (leader, page) = await LeaderAsync(6);
        await using var _ = leader;
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var checksums = StoredRows.Checksums(follower);
        // Entry 4 carries entry 1's checksum: the links 3 -> 4 and 4 -> 5 are both broken, 4 is the first.
        page[3] = page[3] with { Checksum = page[0].Checksum };

        var result = await follower.ReplicateAsync(SyncLogDb.PrepareReplication(page));

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 0, 0, 4), result);
        Assert.Empty(Raw.Sequences(follower.FilePath));
        Assert.Equal(checksums, StoredRows.Checksums(follower));
    }

    [Fact]
    public async Task An_empty_log_checks_the_first_entry_against_the_chains_start_instead_of_adopting_its_checksum()
    {
        var (leader, page) = await LeaderAsync(2);
        await using var _ = leader;
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        // Entry 1 changed but its checksum kept: entry 2 still links to that checksum, so only the chain's start tells.
        var forged = page.ToList();
        forged[0] = forged[0] with { Data = """{"forged":true}""" };

        var chained = await follower.ReplicateAsync(SyncLogDb.PrepareReplication(forged));
        var entryByEntry = await follower.ReplicateAsync(forged);

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 0, 0, 1), chained);
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 0, 0, 1), entryByEntry);
        Assert.Empty(Raw.Sequences(follower.FilePath));
        Assert.Equal(ReplicationOutcome.Applied, (await follower.ReplicateAsync(page)).Outcome);
        Assert.True((await follower.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task A_set_that_does_not_continue_the_head_is_refused_whole_naming_its_first_sequence()
    {
        var (leader, page) = await LeaderAsync(4);
        await using var _ = leader;
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        // Split brain: the follower logged an entry 1 of its own; the leader's 2..4 are consistent among themselves.
        await follower.AppendAsync(Entries.New(100));
        var rows = StoredRows.Entries(follower);

        var set = SyncLogDb.PrepareReplication(page.Skip(1).ToList());
        var result = await follower.ReplicateAsync(set);

        Assert.Null(set.BrokenLinkAt);
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 1, 0, 2), result);
        Assert.Equal(rows, StoredRows.Entries(follower));
        Assert.Equal(1, await follower.LatestSequenceAsync());
    }

    [Fact]
    public async Task A_set_prepared_before_another_write_changed_the_head_is_judged_against_the_head_when_written()
    {
        var (leader, page) = await LeaderAsync(4);
        await using var _ = leader;
        var (other, otherPage) = await LeaderAsync(1);
        await using var __ = other;
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var lagging = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        // Prepared while both logs are empty, where 2..4 would be a gap.
        var set = SyncLogDb.PrepareReplication(page.Skip(1).ToList());
        Assert.Equal(ReplicationOutcome.Gap, (await follower.ReplicateAsync(set)).Outcome);

        // Then each log gets an entry 1: the leader's own, or another leader's with its own checksum.
        await lagging.ReplicateAsync(page.Take(1).ToList());
        await follower.ReplicateAsync(otherPage);
        var rows = StoredRows.Entries(follower);

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 4, 3), await lagging.ReplicateAsync(set));
        Assert.Equal(await leader.ChainHeadAsync(), await lagging.ChainHeadAsync());
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Diverged, 1, 0, 2), await follower.ReplicateAsync(set));
        Assert.Equal(rows, StoredRows.Entries(follower));
    }

    [Fact]
    public async Task Sets_prepared_on_other_threads_and_written_in_turn_end_with_the_leaders_chain()
    {
        var (leader, page) = await LeaderAsync(60);
        await using var _ = leader;
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var sets = await Task.WhenAll(page.Chunk(7).Select(chunk => Task.Run(() => SyncLogDb.PrepareReplication(chunk))));

        foreach (var set in sets)
            Assert.Equal(ReplicationOutcome.Applied, (await follower.ReplicateAsync(set)).Outcome);
        // A whole retry reaches into the local log: judged entry by entry, every entry an exact duplicate.
        var retry = await follower.ReplicateAsync(sets[3]);

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 60, 0), retry);
        Assert.Equal(await leader.ChainHeadAsync(), await follower.ChainHeadAsync());
        Assert.Equal(StoredRows.Checksums(leader), StoredRows.Checksums(follower));
        Assert.Equal(StoredRows.Entries(leader), StoredRows.Entries(follower));
        Assert.True((await follower.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task Changing_the_callers_list_after_preparing_changes_nothing_that_is_written()
    {
        var (leader, page) = await LeaderAsync(3);
        await using var _ = leader;
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var list = page.ToList();
        var set = SyncLogDb.PrepareReplication(list);
        list[1] = list[1] with { Data = """{"name":"changed"}""" };

        Assert.Equal(ReplicationOutcome.Applied, (await follower.ReplicateAsync(set)).Outcome);
        Assert.Equal(StoredRows.Entries(leader), StoredRows.Entries(follower));
    }

    [Fact]
    public async Task A_sets_entries_cannot_be_changed_through_Entries_so_what_is_written_is_what_was_hashed()
    {
        var (leader, page) = await LeaderAsync(3);
        await using var _ = leader;
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var set = SyncLogDb.PrepareReplication(page);

        // The writer takes sequences and versions from the entries and texts from their encodings: the two must agree.
        Assert.Throws<NotSupportedException>(() => ((IList<SyncLogEntry>)set.Entries)[2] = page[2] with { Sequence = 9 });

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 3, 3), await follower.ReplicateAsync(set));
        Assert.Equal(StoredRows.Entries(leader), StoredRows.Entries(follower));
        Assert.True((await follower.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task A_chained_set_with_invalid_json_or_a_hole_is_refused_when_prepared_with_the_usual_reason()
    {
        var (leader, page) = await LeaderAsync(3);
        await using var _ = leader;
        var badJson = page.ToList();
        badJson[1] = badJson[1] with { Data = "{\"name\":" };
        var hole = new List<SyncLogEntry> { page[0], page[2] };

        var json = Assert.Throws<ArgumentException>(() => SyncLogDb.PrepareReplication(badJson));
        var gap = Assert.Throws<ArgumentException>(() => SyncLogDb.PrepareReplication(hole));
        var empty = Assert.Throws<ArgumentException>(() => SyncLogDb.PrepareReplication([page[0] with { Data = " " }]));

        Assert.StartsWith("data must be valid JSON", EntryValidator.ReasonOf(json));
        Assert.Equal("replicated entries must have contiguous ascending sequences; entry 1 has 3 after 1", EntryValidator.ReasonOf(gap));
        Assert.Equal("data must be a JSON document, got an empty string", EntryValidator.ReasonOf(empty));
    }

    [Fact]
    public async Task A_set_without_the_leaders_checksums_is_chained_entry_by_entry()
    {
        var (leader, page) = await LeaderAsync(3);
        await using var _ = leader;
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var set = SyncLogDb.PrepareReplication(page.Select(e => e with { Checksum = null }).ToList());

        Assert.False(set.IsChained);
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 3, 3), await follower.ReplicateAsync(set));
        Assert.Equal(await leader.ChainHeadAsync(), await follower.ChainHeadAsync());
    }
}
