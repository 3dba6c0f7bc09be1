namespace SyncLog.Storage.Tests;

public sealed class IdempotencySpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    private static NewSyncLogEntry Keyed(string key, int n = 0) => Entries.New(n) with { IdempotencyKey = key };

    private static long Keys(string path) => (long)Raw.Scalar(path, "SELECT COUNT(*) FROM sync_log_idempotency")!;

    [Fact]
    public async Task A_retried_append_gets_its_first_sequence_and_writes_nothing()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var first = await db.AppendAsync(Keyed("k1", 1));
        await db.AppendAsync(Entries.New(2));

        var retried = await db.AppendAsync(Keyed("k1", 1));

        Assert.Equal(1, first);
        Assert.Equal(1, retried);
        Assert.Equal(2, await db.CountAsync());
        Assert.Equal(2, await db.LatestSequenceAsync());
        Assert.Equal(3, await db.AppendAsync(Entries.New(3)));
    }

    [Fact]
    public async Task Identical_repeats_inside_one_batch_get_the_first_ones_sequence_in_input_order()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendAsync(Keyed("old"));
        var a = Keyed("a");

        var sequences = await db.AppendBatchAsync([a, Entries.New(1), a, Keyed("old"), Keyed("b")]);

        Assert.Equal([2L, 3, 2, 1, 4], sequences);
        Assert.Equal([1L, 2, 3, 4], Raw.Sequences(db.FilePath));
        Assert.Equal(4, await db.LatestSequenceAsync());
    }

    [Fact]
    public async Task Two_different_entries_of_one_batch_with_one_key_are_refused_and_nothing_is_written()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendAsync(Entries.New(0));

        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            db.AppendBatchAsync([Keyed("a", 1), Entries.New(2), Keyed("a", 3)]));

        Assert.Contains("entries 0 and 2 of the batch share the idempotency key 'a' but differ", refused.Message, StringComparison.Ordinal);
        Assert.Equal([1L], Raw.Sequences(db.FilePath));
        Assert.Equal(0, Keys(db.FilePath));
        Assert.Equal(2, await db.AppendAsync(Keyed("a", 3)));
    }

    [Fact]
    public async Task A_version_above_two_to_the_53_minus_one_is_refused()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            db.AppendAsync(Entries.New(1) with { Version = EntryValidator.MaxSequence + 1 }));

        Assert.Contains("version must be at least 1 and at most 9007199254740991", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync());
        Assert.Equal(1, await db.AppendAsync(Entries.New(1) with { Version = EntryValidator.MaxSequence }));
    }

    [Fact]
    public async Task A_batch_of_only_retries_leaves_the_latest_sequence_where_it_was()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync([Keyed("a"), Keyed("b")]);

        Assert.Equal([2L, 1], await db.AppendBatchAsync([Keyed("b"), Keyed("a")]));
        Assert.Equal(2, await db.LatestSequenceAsync());
        Assert.Equal(2, await db.CountAsync());
    }

    [Fact]
    public async Task Late_joiners_are_deduplicated_against_the_transaction_they_join()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var calls = 0;

        var sequences = await db.AppendValidatedBatchAsync([Keyed("a")],
            _ => calls++ == 0 ? [Keyed("a"), Keyed("b")] : []);

        Assert.Equal([1L, 1, 2], sequences);
        Assert.Equal(2, await db.CountAsync());
    }

    [Fact]
    public async Task The_window_keeps_the_newest_keys_and_an_evicted_key_appends_anew()
    {
        var options = new SyncLogDbOptions { IdempotencyWindow = 3 };
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path, options);
        await db.AppendBatchAsync([Keyed("k1"), Keyed("k2"), Keyed("k3"), Keyed("k4")]);
        await db.AppendAsync(Keyed("k5"));

        Assert.Equal(3, Keys(db.FilePath));
        Assert.Equal(["k3", "k4", "k5"], Raw.Column(db.FilePath, "SELECT key FROM sync_log_idempotency ORDER BY sequence"));
        Assert.Equal(3, await db.AppendAsync(Keyed("k3")));
        Assert.Equal(6, await db.AppendAsync(Keyed("k1")));
        Assert.Equal(6, await db.CountAsync());
    }

    [Fact]
    public async Task Keys_survive_a_reopen()
    {
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
            await db.AppendBatchAsync([Entries.New(), Keyed("k")]);

        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);
        Assert.Equal(2, await reopened.AppendAsync(Keyed("k")));
        Assert.Equal(2, await reopened.CountAsync());
    }

    [Fact]
    public async Task A_window_shrunk_at_reopen_is_pruned_by_the_next_write()
    {
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
            await db.AppendBatchAsync(Enumerable.Range(0, 10).Select(i => Keyed($"k{i}")).ToList());

        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { IdempotencyWindow = 2 });
        Assert.Equal(11, await reopened.AppendAsync(Keyed("new")));
        Assert.Equal(["k9", "new"], Raw.Column(reopened.FilePath, "SELECT key FROM sync_log_idempotency ORDER BY sequence"));
    }

    [Fact]
    public async Task A_window_of_0_ignores_keys_and_empties_the_window()
    {
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
            await db.AppendAsync(Keyed("k"));

        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { IdempotencyWindow = 0 });
        var k = Keyed("k");
        Assert.Equal([2L, 3], await reopened.AppendBatchAsync([k, k]));
        Assert.Equal(0, Keys(reopened.FilePath));
    }

    public static TheoryData<string, string> BadKeys() => new()
    {
        { "", "an empty key" },
        { "   ", "an empty key" },
        { new string('k', 129), "129 characters" },
        { "a\nb", "U+000A at position 1" },
        { "ab\u007f", "U+007F at position 2" },
        { "\u0085x", "U+0085 at position 0" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task An_invalid_key_is_refused_with_what_is_allowed_and_nothing_is_written(string key, string got)
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        var single = await Assert.ThrowsAnyAsync<ArgumentException>(() => db.AppendAsync(Keyed(key)));
        var batch = await Assert.ThrowsAnyAsync<ArgumentException>(() => db.AppendBatchAsync([Entries.New(), Keyed(key)]));

        Assert.Equal($"an idempotency key must be 1 to 128 characters, not only white space, without control characters; got {got}",
            EntryValidator.ReasonOf(single));
        Assert.Contains("entry 1 of the batch", batch.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync());
        Assert.Equal(0, Keys(db.FilePath));
    }

    [Fact]
    public void A_key_of_128_characters_is_allowed()
    {
        EntryValidator.Validate(Keyed(new string('k', 128)), "entry");
    }
}
