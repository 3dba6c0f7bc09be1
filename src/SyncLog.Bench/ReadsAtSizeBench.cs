using System.Diagnostics;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// Reads on a large log through <see cref="SyncLogDb"/>: the cost of a page near the start of the log and near its end
/// (flat when every query seeks its index), and the cost of stats. Each is measured twice, alternating start and end,
/// and the better of the two kept, so neither gains from the other warming the page cache.
/// </summary>
internal static class ReadsAtSizeBench
{
    private const string Section = "9 reads at size";
    private const int Lookups = 200;

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(string path, Guid library, NewSyncLogEntry[] entries)
    {
        var dataDir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path)))!;
        await using var db = await SyncLogDb.OpenAsync(library, dataDir, SyncLogDbOptions.Default with { ReadOnly = true });
        var rows = entries.Length;
        var pageSize = Math.Clamp(rows / 100, 10, 1000);
        var pages = Math.Clamp(rows / 10 / pageSize, 1, 20);
        var endSince = rows - pages * pageSize;
        var table = $"{rows:N0}-row log, {pages} pages of {pageSize}";

        var results = new List<BenchResult>();
        async Task Compare(string name, Func<bool, Task<int>> pagesAt, string note)
        {
            double start = double.MaxValue, end = double.MaxValue;
            for (var round = 0; round < 2; round++)
            {
                start = Math.Min(start, await MillisPerCall(() => pagesAt(false)));
                end = Math.Min(end, await MillisPerCall(() => pagesAt(true)));
            }

            results.Add(new(Section, $"{name}: start / end of the log, per call", end, "ms", Ratio: end / start,
                Note: $"{start:N3} / {end:N3} ms (ratio end/start); {note}"));
        }

        await Compare("FetchSince page", async atEnd =>
        {
            long since = atEnd ? endSince : 0;
            for (var i = 0; i < pages; i++)
                since = (await db.FetchSinceAsync(since, pageSize)).Entries[^1].Sequence;
            return pages;
        }, table);

        // Four devices share the log, so a device's pages span four times as many sequences.
        await Compare("FetchByDevice page", async atEnd =>
        {
            long since = atEnd ? Math.Max(0, rows - pages * pageSize * 4 - pageSize * 4) : 0;
            var read = 0;
            for (var i = 0; i < pages; i++)
            {
                var page = await db.FetchByDeviceAsync("device-0", since, pageSize);
                if (page.Count == 0)
                    break;
                read++;
                since = page[^1].Sequence;
            }

            return Math.Max(1, read);
        }, table + ", device-0 (a quarter of the rows)");

        await Compare("FetchByRecord", async atEnd =>
        {
            var offset = atEnd ? rows - Math.Min(rows, Lookups) : 0;
            for (var i = 0; i < Math.Min(rows, Lookups); i++)
            {
                var e = entries[offset + i];
                if ((await db.FetchByRecordAsync(e.ModelType, e.RecordId, 100)).Count != 1)
                    throw new InvalidOperationException($"record {e.RecordId} not found once");
            }

            return Math.Min(rows, Lookups);
        }, $"{Lookups} records' histories from the first / last rows");

        await Compare("FetchByTimeRange page", async atEnd =>
        {
            var first = atEnd ? endSince : 0;
            for (var i = 0; i < pages; i++)
                await db.FetchByTimeRangeAsync(entries[first + i * pageSize].Timestamp, DateTimeOffset.MaxValue, pageSize);
            return pages;
        }, table + ", from a timestamp to the end");

        var stats = await MillisPerCall(async () =>
        {
            await db.StatsAsync();
            return 1;
        });
        var count = await MillisPerCall(async () =>
        {
            await db.CountAsync();
            return 1;
        });
        results.Add(new(Section, "StatsAsync (count, range and timestamps from index ends; per-model counts)", stats, "ms",
            Note: $"{rows:N0}-row log; per-model counts read the whole (model_type, record_id) index, never the table"));
        results.Add(new(Section, "CountAsync (from the ends of the sequence index)", count, "ms", Note: $"{rows:N0}-row log"));
        return results;
    }

    private static async Task<double> MillisPerCall(Func<Task<int>> calls)
    {
        var clock = Stopwatch.StartNew();
        var n = await calls();
        return clock.Elapsed.TotalMilliseconds / n;
    }
}
