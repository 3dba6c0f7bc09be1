namespace SyncLog.Storage.Tests;

public sealed class ChainSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SyncLogChecksum Expected(SyncLogChecksum previous, SyncLogEntry e) => ChecksumChain.Next(previous, e);

    private static void AssertChained(IReadOnlyList<SyncLogEntry> entries, SyncLogChecksum start)
    {
        var previous = start;
        foreach (var e in entries)
        {
            Assert.NotNull(e.Checksum);
            Assert.Equal(Expected(previous, e), e.Checksum);
            previous = e.Checksum!.Value;
        }
    }

    [Fact]
    public async Task Every_appended_entry_gets_the_checksum_of_the_previous_one_and_its_content()
    {
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await db.AppendAsync(Entries.New(0));
        await db.AppendBatchAsync(Entries.Many(4, start: 1));

        var entries = (await db.FetchSinceAsync(0, 100)).Entries;

        AssertChained(entries, SyncLogChecksum.Zero);
        // One row per entry plus the chain's base at the floor (0).
        Assert.Equal([0L, 1, 2, 3, 4, 5], Raw.Column(db.FilePath, "SELECT sequence FROM sync_log_checksum ORDER BY sequence").Select(long.Parse));
        Assert.Equal(entries[^1].Checksum, (await db.ChainHeadAsync()).Checksum);
        Assert.True((await db.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task The_chain_depends_on_the_entries_not_on_how_they_were_batched_or_joined_late()
    {
        await using var batched = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var single = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var all = Entries.Many(6);
        var late = new Queue<IReadOnlyList<NewSyncLogEntry>>([all.Skip(2).Take(2).ToList(), all.Skip(4).ToList()]);

        var sequences = await batched.AppendValidatedBatchAsync(all.Take(2).ToList(),
            room => late.TryDequeue(out var next) ? next : [], maxEntries: 100);
        foreach (var entry in all)
            await single.AppendAsync(entry);

        Assert.Equal([1L, 2, 3, 4, 5, 6], sequences);
        Assert.Equal(
            (await single.FetchSinceAsync(0, 100)).Entries.Select(e => e.Checksum),
            (await batched.FetchSinceAsync(0, 100)).Entries.Select(e => e.Checksum));
        Assert.True((await batched.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task An_idempotent_retry_does_not_change_the_chain()
    {
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await db.AppendAsync(Entries.New(0) with { IdempotencyKey = "k1" });
        await db.AppendAsync(Entries.New(1) with { IdempotencyKey = "k2" });
        var head = await db.ChainHeadAsync();

        Assert.Equal(1, await db.AppendAsync(Entries.New(0) with { IdempotencyKey = "k1" }));
        Assert.Equal([2L, 1], await db.AppendBatchAsync([Entries.New(1) with { IdempotencyKey = "k2" }, Entries.New(0) with { IdempotencyKey = "k1" }]));

        Assert.Equal(head, await db.ChainHeadAsync());
        Assert.Equal(3L, Raw.Scalar(db.FilePath, "SELECT COUNT(*) FROM sync_log_checksum"));
    }

    [Fact]
    public async Task The_chain_continues_across_a_reopen()
    {
        var library = Guid.NewGuid();
        await using (var db = await SyncLogDb.OpenAsync(library, _dir.Path))
            await db.AppendBatchAsync(Entries.Many(3));

        await using var reopened = await SyncLogDb.OpenAsync(library, _dir.Path);
        await reopened.AppendAsync(Entries.New(3));

        AssertChained((await reopened.FetchSinceAsync(0, 100)).Entries, SyncLogChecksum.Zero);
    }

    [Fact]
    public async Task Vacuum_removes_checksums_with_their_rows_and_keeps_the_one_at_the_floor_so_the_chain_continues()
    {
        await using var vacuumed = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await using var kept = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var all = Entries.Many(12);
        await vacuumed.AppendBatchAsync(all.Take(10).ToList());
        await kept.AppendBatchAsync(all.Take(10).ToList());
        var atSix = await vacuumed.ChecksumAtAsync(6);

        Assert.Equal(6, await vacuumed.VacuumOldEntriesAsync(Entries.T0.AddSeconds(6)));
        await vacuumed.AppendBatchAsync(all.Skip(10).ToList());
        await kept.AppendBatchAsync(all.Skip(10).ToList());

        Assert.Equal(Enumerable.Range(6, 7).Select(i => (long)i),
            Raw.Column(vacuumed.FilePath, "SELECT sequence FROM sync_log_checksum ORDER BY sequence").Select(long.Parse));
        Assert.Equal(atSix, await vacuumed.ChecksumAtAsync(6));
        Assert.Null(await vacuumed.ChecksumAtAsync(5));
        Assert.Equal(await kept.ChainHeadAsync() with { VacuumedThroughSequence = 6 }, await vacuumed.ChainHeadAsync());
        var verified = await vacuumed.VerifyChainAsync();
        Assert.True(verified.IsIntact, verified.Problem);
        Assert.Equal(6, verified.CheckedEntries);
    }

    [Fact]
    public async Task A_full_vacuum_keeps_the_head_checksum_and_the_next_append_continues_it()
    {
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await db.AppendBatchAsync(Entries.Many(5));
        var head = await db.ChainHeadAsync();

        await db.VacuumOldEntriesAsync(Entries.T0.AddDays(1));
        await db.AppendAsync(Entries.New(5));

        var next = (await db.FetchSinceAsync(5, 10)).Entries.Single();
        Assert.Equal(ChecksumChain.Next(head.Checksum!.Value, next), next.Checksum);
        Assert.True((await db.VerifyChainAsync()).IsIntact);
    }

    [Fact]
    public async Task Verify_reports_the_first_entry_edited_in_the_file_with_the_sqlite3_shell()
    {
        var result = await VerifyAfterEditing(8, """UPDATE sync_log SET data = '{"name":"forged"}' WHERE sequence = 5""");

        Assert.False(result.IsIntact);
        Assert.Equal(5, result.FirstBrokenSequence);
        Assert.Equal(4, result.CheckedEntries);
        Assert.Contains("entry 5 does not match its checksum", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reports_a_missing_entry_and_a_missing_checksum()
    {
        var result = await VerifyAfterEditing(6, "DELETE FROM sync_log_checksum WHERE sequence = 5; DELETE FROM sync_log WHERE sequence = 3;");

        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("entry 3 is missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Checksums_differ_when_text_moves_between_fields()
    {
        // Length prefixes: device "ab" + timestamp "c" and device "a" + timestamp "bc" concatenate alike.
        var a = ChecksumChain.Next(SyncLogChecksum.Zero, 1, "ab", "c", "m", "r", "insert", 1, "{}");
        var b = ChecksumChain.Next(SyncLogChecksum.Zero, 1, "a", "bc", "m", "r", "insert", 1, "{}");

        Assert.NotEqual(a, b);
        Assert.Equal(a, SyncLogChecksum.Parse(a.ToString()));
        Assert.Equal(64, a.ToString().Length);
    }

    // Appends `entries`, closes the file, edits it behind the log's back with the sqlite3 shell, and verifies it reopened.
    private async Task<ChainVerification> VerifyAfterEditing(int entries, string sql)
    {
        var library = Guid.NewGuid();
        string path;
        await using (var db = await SyncLogDb.OpenAsync(library, _dir.Path))
        {
            await db.AppendBatchAsync(Entries.Many(entries));
            path = db.FilePath;
        }

        Sqlite3Cli.Run(path, sql);

        await using var reopened = await SyncLogDb.OpenAsync(library, _dir.Path);
        return await reopened.VerifyChainAsync();
    }
}
