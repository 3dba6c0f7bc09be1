namespace SyncLog.Bench.Tests;

/// <summary>The benchmark runs end to end on tiny sizes. Its numbers are never asserted: only that every section reports.</summary>
public sealed class BenchSmokeSpecs : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "synclog-bench-smoke", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Every_section_runs_and_reports_a_value()
    {
        var options = BenchOptions.Quick(_dir) with { Rows = 3200, Libraries = 10, LatencySamples = 50, LatestQueries = 4000, LibrariesInTurn = 40, IdleSeconds = 1 };

        var report = await BenchRunner.RunAsync(options, _ => { });
        using var table = new StringWriter();
        ResultTable.Print(report, options, table);

        string[] sections = ["1 raw limit", "2 peer", "3 ours", "3 ours early", "4 fetch", "5 latency", "6 many libraries", "7 latest", "8 in turn", "9 reads at size", "10 subscribe", "11 catch-up"];
        Assert.Equal(sections.Order(), report.Results.Select(r => r.Section).Distinct().Order());
        Assert.All(report.Results, r => Assert.True(r.Value > 0 && double.IsFinite(r.Value), $"{r.Name}: {r.Value}"));
        Assert.Contains("x  ", table.ToString(), StringComparison.Ordinal);
        Assert.Contains(BenchRunner.Raw, table.ToString(), StringComparison.Ordinal);
        Assert.Contains(BenchRunner.Raw10K, table.ToString(), StringComparison.Ordinal);
        Assert.Contains("Write curves", table.ToString(), StringComparison.Ordinal);
        // A stretch acknowledged at once (one batch of a tiny run) has no rate: it must not print as a number.
        Assert.DoesNotContain("Infinity", table.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u221E", table.ToString(), StringComparison.Ordinal);
        // Raw 1000 rows/tx (the better of two), raw 10k, four peers, six of ours.
        Assert.Equal(12, report.Runs.Count);
        Assert.All(report.Runs, run => Assert.True(run.Curve.Overall > 0 && double.IsFinite(run.Curve.Overall), run.Name));
    }
}
