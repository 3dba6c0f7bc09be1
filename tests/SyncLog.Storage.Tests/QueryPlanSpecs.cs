using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace SyncLog.Storage.Tests;

/// <summary>
/// Every query the reader runs seeks an index, so a page or a stats call costs the same on a 1M-row log as on a
/// small one. Checked with <c>EXPLAIN QUERY PLAN</c> on a real log file (the plans do not depend on the row count:
/// the log never runs ANALYZE, so SQLite plans from the schema alone).
/// </summary>
public sealed partial class QueryPlanSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string[]> Expected => new()
    {
        { "FetchSince", ["SEARCH sync_log USING INDEX idx_sync_log_sequence (sequence>?)"] },
        {
            "FetchByDevice",
            [
                "SEARCH sync_log USING INDEX idx_sync_log_device (device_id=? AND rowid>?)",
                "SEARCH sync_log USING COVERING INDEX idx_sync_log_sequence (sequence>?)",
            ]
        },
        { "FetchByRecord", ["SEARCH sync_log USING INDEX idx_sync_log_model_record (model_type=? AND record_id=?)"] },
        { "FetchByTimeRange", ["SEARCH sync_log USING INDEX idx_sync_log_timestamp (timestamp>? AND timestamp<?)"] },
        { "OldestSequence", ["SEARCH sync_log USING COVERING INDEX idx_sync_log_sequence"] },
        { "Count", ["SEARCH sync_log USING COVERING INDEX idx_sync_log_sequence"] },
        {
            "Stats summary",
            ["SEARCH sync_log USING COVERING INDEX idx_sync_log_sequence", "SEARCH sync_log USING COVERING INDEX idx_sync_log_timestamp"]
        },
        { "Stats counts by model", ["SCAN sync_log USING COVERING INDEX idx_sync_log_model_record"] },
        { "State", ["SEARCH sync_log_state USING INTEGER PRIMARY KEY (rowid=?)"] },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public async Task Each_reader_query_uses_its_index(string statement, string[] expectedSteps)
    {
        var plan = await PlanAsync(SyncLogReader.Statements[statement]);

        foreach (var step in expectedSteps)
            Assert.Contains(step, plan);
        Assert.DoesNotContain(plan, line => TableScan().IsMatch(line));
        Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_reader_query_has_an_expected_plan()
    {
        Assert.Equal(SyncLogReader.Statements.Keys.Order(), Expected.Select(row => (string)row[0]).Order());
    }

    [Fact]
    public async Task Stats_read_no_table_row()
    {
        // Count, range and timestamps come from single seeks at the ends of the sequence and timestamp indexes;
        // the per-model counts read only the (model_type, record_id) index, never the table.
        var plans = (await PlanAsync(SyncLogReader.SummarySql)).Concat(await PlanAsync(SyncLogReader.CountsByModelSql)).ToList();

        Assert.All(plans.Where(line => line.Contains("sync_log", StringComparison.Ordinal)),
            line => Assert.Contains("USING COVERING INDEX", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stats_count_and_range_follow_appends_and_vacuum()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(10));
        await db.AppendBatchAsync([Entries.New(10, model: "tag"), Entries.New(11, model: "tag")]);
        await db.VacuumOldEntriesAsync(Entries.T0.AddSeconds(4));

        var stats = await db.StatsAsync();

        Assert.Equal(8, stats.Count);
        Assert.Equal(8, await db.CountAsync());
        Assert.Equal(5, stats.OldestSequence);
        Assert.Equal(12, stats.LatestSequence);
        Assert.Equal(4, stats.VacuumedThroughSequence);
        Assert.Equal(Entries.T0.AddSeconds(4), stats.OldestTimestamp);
        Assert.Equal(Entries.T0.AddSeconds(11), stats.NewestTimestamp);
        Assert.Equal([new("album", 6), new KeyValuePair<string, long>("tag", 2)], stats.CountsByModel);
    }

    [Fact]
    public async Task Stats_of_an_empty_log_count_nothing()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        var stats = await db.StatsAsync();

        Assert.Equal(0, stats.Count);
        Assert.Equal(0, stats.OldestSequence);
        Assert.Null(stats.OldestTimestamp);
        Assert.Empty(stats.CountsByModel);
    }

    [Fact]
    public async Task FetchByDevice_pages_from_a_sequence_in_the_middle()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Enumerable.Range(0, 20).Select(i => Entries.New(i, device: i % 2 == 0 ? "even" : "odd")).ToList());

        var page = await db.FetchByDeviceAsync("even", sinceSequence: 10, limit: 3);
        var rest = await db.FetchByDeviceAsync("even", sinceSequence: page[^1].Sequence, limit: 100);
        var beyond = await db.FetchByDeviceAsync("even", sinceSequence: 20, limit: 100);

        Assert.Equal([11L, 13, 15], page.Select(e => e.Sequence));
        Assert.Equal([17L, 19], rest.Select(e => e.Sequence));
        Assert.Empty(beyond);
    }

    private async Task<List<string>> PlanAsync(string sql)
    {
        string path;
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
            await db.AppendBatchAsync(Entries.Many(50));
            path = db.FilePath;
        }

        using var connection = Raw.Open(path);
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in Parameter().Matches(sql).Select(m => m.Value).Distinct())
            explain.Parameters.AddWithValue(name, name == "$limit" ? 100 : "x");
        var plan = new List<string>();
        using var reader = explain.ExecuteReader();
        while (reader.Read())
            plan.Add(reader.GetString(3));
        return plan;
    }

    // A scan of sync_log that is not an index-only scan reads every row of the table.
    [GeneratedRegex(@"^SCAN sync_log(?! USING COVERING INDEX)")]
    private static partial Regex TableScan();

    [GeneratedRegex(@"\$[a-z_]+")]
    private static partial Regex Parameter();
}
