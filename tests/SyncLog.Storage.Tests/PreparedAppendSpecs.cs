namespace SyncLog.Storage.Tests;

/// <summary>
/// Appends encoded and chained before the writer (the library actor's guess of the log's tip): with the guess right the
/// writer stores exactly what it would have computed; with it wrong, the writer links the entry itself.
/// </summary>
public sealed class PreparedAppendSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // The same entries written the plain way, into a log of their own: what the prepared log must hold.
    private async Task<SyncLogDb> ControlAsync(params IReadOnlyList<NewSyncLogEntry>[] writes)
    {
        var control = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        foreach (var write in writes)
            await control.AppendBatchAsync(write);
        return control;
    }

    private static AppendChain ChainAt(SyncLogDb db)
    {
        var chain = new AppendChain();
        var (latest, head) = db.ChainTip;
        chain.Reset(latest, head);
        return chain;
    }

    [Fact]
    public async Task Entries_chained_on_the_right_guess_store_what_the_plain_path_stores()
    {
        var first = Entries.Many(3);
        var second = Entries.Many(4, start: 3);
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await db.AppendBatchAsync(first);
        var chain = ChainAt(db);

        // Two appends guessed one after the other, as an actor does while a write runs, then written as one group.
        var group = PreparedAppend.Concat([chain.Prepare(second.Take(1).ToList()), chain.Prepare(second.Skip(1).ToList())]);
        await db.AppendValidatedBatchAsync(group);

        Assert.Equal(0, db.RelinkedEntries);
        await using var control = await ControlAsync(first, second);
        Assert.Equal(StoredRows.Entries(control), StoredRows.Entries(db));
        Assert.Equal(StoredRows.Checksums(control), StoredRows.Checksums(db));
        Assert.True((await db.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task Entries_chained_after_an_append_that_was_never_written_are_linked_by_the_writer()
    {
        var refused = Entries.Many(2);
        var written = Entries.Many(3, start: 2);
        var before = Entries.Many(1, start: 10);
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await db.AppendBatchAsync(before);
        var chain = ChainAt(db);
        // The guess counts the first append, which the pipeline then refused (not leader, stale term, overloaded).
        chain.Prepare(refused);
        var prepared = (PreparedAppend)chain.Prepare(written);
        var inputs = Enumerable.Range(0, prepared.Count).Select(i => prepared.PreparedAt(i)!.Encoded.ToArray()).ToList();

        await db.AppendValidatedBatchAsync(prepared);

        Assert.Equal(3, db.RelinkedEntries);
        await using var control = await ControlAsync(before, written);
        Assert.Equal(StoredRows.Entries(control), StoredRows.Entries(db));
        Assert.Equal(StoredRows.Checksums(control), StoredRows.Checksums(db));
        Assert.True((await db.VerifyChainAsync()).IsIntact);
        // Linked in the writer's own buffer: the prepared inputs are as the actor made them.
        Assert.All(Enumerable.Range(0, prepared.Count), i => Assert.Equal(inputs[i], prepared.PreparedAt(i)!.Encoded.ToArray()));
    }

    [Fact]
    public async Task A_retried_key_breaks_the_guess_for_the_entries_after_it_and_the_chain_still_holds()
    {
        var keyed = Entries.New(1) with { IdempotencyKey = "upload-1" };
        var after = Entries.Many(2, start: 5);
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await db.AppendBatchAsync([keyed]);
        var chain = ChainAt(db);
        // The retry is guessed at sequence 2, but the writer gives it sequence 1 again and writes nothing for it.
        var prepared = chain.Prepare([keyed, .. after]);

        var sequences = await db.AppendValidatedBatchAsync(prepared);

        Assert.Equal([1L, 2, 3], sequences);
        await using var control = await ControlAsync([keyed], after);
        Assert.Equal(StoredRows.Entries(control), StoredRows.Entries(db));
        Assert.Equal(StoredRows.Checksums(control), StoredRows.Checksums(db));
        Assert.True((await db.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task A_guess_from_before_a_failed_write_is_linked_by_the_writer_to_what_the_log_holds()
    {
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var chain = ChainAt(db);
        var lost = Entries.Many(2);
        var next = Entries.Many(2, start: 2);
        var unprepared = Entries.Many(1, start: 7);
        // The first group's transaction failed (nothing of it stored); the next was guessed after it.
        chain.Prepare(lost);
        var prepared = chain.Prepare(next);
        // Unprepared entries mixed in (an append the actor could not prepare) are linked the plain way in between.
        var group = PreparedAppend.Concat([prepared, unprepared]);

        await db.AppendValidatedBatchAsync(group);

        await using var control = await ControlAsync(next, unprepared);
        Assert.Equal(StoredRows.Entries(control), StoredRows.Entries(db));
        Assert.Equal(StoredRows.Checksums(control), StoredRows.Checksums(db));
        Assert.True((await db.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public void Concat_keeps_each_entry_with_its_own_prepared_form_in_order()
    {
        var chain = new AppendChain();
        var a = chain.Prepare(Entries.Many(2));
        var plain = Entries.Many(1, start: 5);
        var b = chain.Prepare(Entries.Many(1, start: 9));

        var all = (PreparedAppend)PreparedAppend.Concat([a, plain, b]);

        Assert.Equal([.. a, .. plain, .. b], all.ToList());
        Assert.Equal([1L, 2, 0, 3], Enumerable.Range(0, all.Count).Select(i => all.PreparedAt(i)?.Sequence ?? 0));
        Assert.IsNotType<PreparedAppend>(PreparedAppend.Concat([plain, Entries.Many(1)]));
    }
}
