namespace SyncLog.Storage.Tests;

public sealed class SequenceBoundSpecs : IDisposable
{
    private const long Max = EntryValidator.MaxSequence;
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_bound_is_2_pow_53_minus_1()
    {
        Assert.Equal((1L << 53) - 1, EntryValidator.MaxSequence);
    }

    [Fact]
    public async Task Appends_reach_the_bound_and_one_past_it_fails_with_nothing_written()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.ResyncFromAsync(Max - 2);

        Assert.Equal([Max - 1, Max], await db.AppendBatchAsync(Entries.Many(2)));
        var error = await Assert.ThrowsAsync<SyncLogSequenceExhaustedException>(() => db.AppendAsync(Entries.New()));

        Assert.Contains("9007199254740991", error.Message, StringComparison.Ordinal);
        Assert.Equal(Max, error.LatestSequence);
        Assert.Equal(Max, await db.LatestSequenceAsync());
        Assert.Equal(2, await db.CountAsync());
    }

    [Fact]
    public async Task A_batch_that_would_pass_the_bound_writes_none_of_its_entries()
    {
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
            await db.ResyncFromAsync(Max - 2);

            await Assert.ThrowsAsync<SyncLogSequenceExhaustedException>(() => db.AppendBatchAsync(Entries.Many(3)));

            Assert.Equal(0, await db.CountAsync());
            Assert.Equal(Max - 2, await db.LatestSequenceAsync());
            Assert.Equal([Max - 1, Max], await db.AppendBatchAsync(Entries.Many(2)));
        }

        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);
        Assert.Equal(Max, await reopened.LatestSequenceAsync());
        Assert.Equal([Max - 1, Max], Raw.Sequences(reopened.FilePath));
    }

    [Fact]
    public async Task Late_joiners_are_only_asked_for_what_sequences_are_left()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.ResyncFromAsync(Max - 2);
        var asked = new List<int>();

        var sequences = await db.AppendValidatedBatchAsync([Entries.New(1)], room =>
        {
            asked.Add(room);
            return asked.Count == 1 ? [Entries.New(2)] : [];
        });

        Assert.Equal([Max - 1, Max], sequences);
        Assert.Equal([1], asked);
    }

    [Fact]
    public async Task Sequences_past_the_bound_are_refused_everywhere_a_sequence_comes_in()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var past = Max + 1;
        var replicated = new SyncLogEntry(0, past, "d", Entries.T0, "album", "r", ChangeType.Insert, 1, "{}");

        var errors = new ArgumentException[]
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => db.FetchSinceAsync(past, 10)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => db.FetchByDeviceAsync("d", past, 10)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => db.ResyncFromAsync(past)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => db.ReplicateAsync([replicated])),
        };

        foreach (var error in errors)
            Assert.Contains("at most 9007199254740991 (2^53-1), got 9007199254740992", EntryValidator.ReasonOf(error), StringComparison.Ordinal);
        Assert.Equal("sequence must be 0 or more and at most 9007199254740991 (2^53-1), got 9007199254740992",
            EntryValidator.ReasonOf(errors[0]));
        Assert.Equal(0, await db.LatestSequenceAsync());
        Assert.Equal(0, await db.CountAsync());
    }

    [Fact]
    public async Task A_replicated_entry_at_the_bound_is_accepted()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        // With the leader's checksum at the floor: a page after a resync without one must carry checksums.
        await db.ResyncFromAsync(Max - 1, SyncLogChecksum.Zero);

        var result = await db.ReplicateAsync([new SyncLogEntry(0, Max, "d", Entries.T0, "album", "r", ChangeType.Insert, 1, "{}")]);

        Assert.Equal(Max, result.LatestSequence);
        Assert.Equal([Max], Raw.Sequences(db.FilePath));
    }
}
