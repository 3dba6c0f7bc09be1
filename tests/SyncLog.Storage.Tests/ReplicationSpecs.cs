namespace SyncLog.Storage.Tests;

public sealed class ReplicationSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_follower_mirrors_the_leaders_entries_with_their_sequences()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(5));
        var page = (await leader.FetchSinceAsync(0, 100)).Entries;

        var result = await follower.ReplicateAsync(page);

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 5, 5), result);
        var mirrored = (await follower.FetchSinceAsync(0, 100)).Entries;
        Assert.Equal(page.Select(e => e with { Id = 0 }), mirrored.Select(e => e with { Id = 0 }));
    }

    [Fact]
    public async Task A_retried_page_is_ignored_and_an_overlapping_page_adds_only_the_new_entries()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(6));
        var all = (await leader.FetchSinceAsync(0, 100)).Entries;
        await follower.ReplicateAsync(all.Take(4).ToList());

        var retry = await follower.ReplicateAsync(all.Take(4).ToList());
        var overlap = await follower.ReplicateAsync(all.Skip(2).ToList());

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 4, 0), retry);
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 6, 2), overlap);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), Raw.Sequences(follower.FilePath));
    }

    [Fact]
    public async Task A_gap_is_refused_and_nothing_is_written()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(6));
        var all = (await leader.FetchSinceAsync(0, 100)).Entries;
        await follower.ReplicateAsync(all.Take(2).ToList());

        var result = await follower.ReplicateAsync(all.Skip(3).ToList());

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Gap, 2, 0), result);
        Assert.Equal([1L, 2], Raw.Sequences(follower.FilePath));
    }

    [Fact]
    public async Task A_different_entry_at_a_used_sequence_is_refused_as_a_conflict()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(3));
        var all = (await leader.FetchSinceAsync(0, 100)).Entries.ToList();
        await follower.ReplicateAsync(all);
        var forged = all.Select(e => e.Sequence == 2 ? e with { Data = """{"other":true}""" } : e).ToList();
        forged.Add(all[^1] with { Sequence = 4 });

        var result = await follower.ReplicateAsync(forged);

        Assert.Equal(new ReplicationResult(ReplicationOutcome.Conflict, 3, 0, 2), result);
        Assert.Equal(3, await follower.CountAsync());
    }

    [Fact]
    public async Task A_follower_that_takes_over_continues_the_leaders_sequence()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(4));
        await follower.ReplicateAsync((await leader.FetchSinceAsync(0, 100)).Entries);

        Assert.Equal(5, await follower.AppendAsync(Entries.New()));
    }

    [Fact]
    public async Task A_follower_behind_the_leaders_vacuum_resyncs_and_then_mirrors_from_the_floor()
    {
        await using var leader = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await leader.AppendBatchAsync(Entries.Many(10));
        await leader.VacuumOldEntriesAsync(Entries.T0.AddSeconds(6)); // 1..6 gone
        var behind = await leader.FetchSinceAsync(0, 100);
        Assert.True(behind.IsTruncated);

        var reset = await follower.ResyncFromAsync(behind.VacuumedThroughSequence);
        var mirrored = await follower.ReplicateAsync((await leader.FetchSinceAsync(behind.VacuumedThroughSequence, 100)).Entries);

        Assert.Equal((6L, 6L), reset);
        Assert.Equal(new ReplicationResult(ReplicationOutcome.Applied, 10, 4), mirrored);
        Assert.True((await follower.FetchSinceAsync(0, 10)).IsTruncated);
        Assert.Equal([7L, 8, 9, 10], (await follower.FetchSinceAsync(6, 10)).Entries.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Resync_drops_local_entries_at_or_below_the_floor_and_never_lowers_a_mark()
    {
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await follower.AppendBatchAsync(Entries.Many(5));

        Assert.Equal((5L, 3L), await follower.ResyncFromAsync(3));
        Assert.Equal([4L, 5], Raw.Sequences(follower.FilePath));
        Assert.Equal((5L, 3L), await follower.ResyncFromAsync(1));
        Assert.Equal((9L, 9L), await follower.ResyncFromAsync(9));
        Assert.Equal(0, await follower.CountAsync());
        Assert.Equal(10, await follower.AppendAsync(Entries.New()));

        await follower.DisposeAsync();
        await using var again = await SyncLogDb.OpenAsync(follower.LibraryId, _dir.Path);
        Assert.Equal(10, await again.LatestSequenceAsync());
        Assert.Equal(9, again.VacuumedThroughSequence);
    }

    [Fact]
    public async Task Entries_that_are_not_contiguous_are_refused_as_bad_input()
    {
        await using var follower = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var entry = new SyncLogEntry(0, 1, "d", Entries.T0, "tag", "r", ChangeType.Insert, 1, "{}");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => follower.ReplicateAsync([entry, entry with { Sequence = 3 }]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => follower.ReplicateAsync([entry with { Sequence = 0 }]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => follower.ReplicateAsync([entry with { Data = "x" }]));
        Assert.Equal(0, await follower.CountAsync());
    }
}
