namespace SyncLog.Storage.Tests;

public sealed class TimestampSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Timestamps_are_stored_as_fixed_width_utc_text_whatever_the_input_offset()
    {
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        await db.AppendAsync(Entries.New(at: new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero)));
        await db.AppendAsync(Entries.New(at: new DateTimeOffset(2026, 11, 24, 11, 30, 0, TimeSpan.FromHours(2))));
        await db.AppendAsync(Entries.New(at: new DateTimeOffset(2026, 11, 24, 4, 0, 0, TimeSpan.FromHours(-5.5)).AddTicks(1)));

        var stored = Raw.Column(db.FilePath, "SELECT timestamp FROM sync_log ORDER BY sequence");

        Assert.Equal(["2026-11-24T09:30:00.0000000Z", "2026-11-24T09:30:00.0000000Z", "2026-11-24T09:30:00.0000001Z"], stored);
    }

    [Fact]
    public async Task Read_back_timestamps_are_the_same_instant_in_utc()
    {
        await using var db = await SyncLogDb.OpenAsync(Guid.NewGuid(), _dir.Path);
        var local = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-8)).AddTicks(1234567);
        await db.AppendAsync(Entries.New(at: local));

        var entry = Assert.Single((await db.FetchSinceAsync(0, 1)).Entries);

        Assert.Equal(local.UtcTicks, entry.Timestamp.UtcTicks);
        Assert.Equal(TimeSpan.Zero, entry.Timestamp.Offset);
    }

    [Fact]
    public void Text_order_is_time_order_across_years_and_fractions()
    {
        var instants = new[]
        {
            new DateTimeOffset(999, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1),
            new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero),
            new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero),
        };

        var texts = instants.Select(UtcTimestamp.ToText).ToList();

        Assert.Equal(texts, texts.Order(StringComparer.Ordinal));
        Assert.All(texts, t => Assert.Equal(28, t.Length));
        Assert.Equal(instants, texts.Select(UtcTimestamp.Parse));
    }
}
