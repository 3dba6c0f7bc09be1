using System.Globalization;

namespace SyncLog.Bench;

/// <summary>
/// Prints the results as a fixed-width table with a ratio column against each row's baseline, then the write curves:
/// the rate over each tenth of every write run and the ratios to the raw baseline at the same table size.
/// </summary>
internal static class ResultTable
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Print(BenchReport report, BenchOptions options, TextWriter output)
    {
        var results = report.Results;
        output.WriteLine($"SyncLogActors benchmark: {options.Rows:N0} rows per write scenario, {Environment.ProcessorCount} cores, synchronous=FULL, .NET {Environment.Version}");
        output.WriteLine();
        output.WriteLine($"{"section",-17} {"scenario",-80} {"value",14} {"unit",-11} {"ratio",8}  note");
        output.WriteLine(new string('-', 160));
        foreach (var r in results)
        {
            var baseline = r.Baseline is null ? null : results.FirstOrDefault(b => b.Name == r.Baseline);
            var ratio = r.Ratio ?? (baseline is null ? null : r.Value / baseline.Value);
            var ratioText = ratio is { } x ? x.ToString("N2", Invariant) + "x" : "";
            var value = r.Unit is "ms" or "us" ? r.Value.ToString("N3", Invariant) : r.Value.ToString("N0", Invariant);
            output.WriteLine($"{r.Section,-17} {r.Name,-80} {value,14} {r.Unit,-11} {ratioText,8}  {r.Note}");
        }

        if (report.Runs.Count > 0)
            PrintCurves(report.Runs, output);
    }

    /// <summary>The raw 1000 rows/tx run every other write run is compared with.</summary>
    public static WriteRun? RawOf(IReadOnlyList<WriteRun> runs) => runs.FirstOrDefault(r => r.Name == BenchRunner.Raw);

    /// <summary>The later stretch of a run of <paramref name="rows"/> to compare: 1M to 2M rows, else its last tenth.</summary>
    public static (int From, int To) LateWindow(int rows) =>
        rows >= 2_000_000 ? (1_000_000, 2_000_000) : (Math.Max(0, rows - Math.Max(RateCurve.Granularity, rows / 10 / RateCurve.Granularity * RateCurve.Granularity)), rows);

    /// <summary>The first stretch to compare: the first 100k rows, or the whole run if shorter.</summary>
    public static int EarlyWindow(int rows) => Math.Min(rows, 100_000);

    private static void PrintCurves(IReadOnlyList<WriteRun> runs, TextWriter output)
    {
        var raw = RawOf(runs);
        output.WriteLine();
        output.WriteLine("Write curves: thousand rows/s over each tenth of the run (the table grows from 0 to 'rows'); 'early' is the");
        output.WriteLine("first 100k rows, 'late' 1M to 2M rows (runs of 2M rows or more) or else the last tenth; 'vs raw' compares");
        output.WriteLine("with the raw 1000 rows/tx run over the same rows, so at the same table size. CPU and allocations are per row,");
        output.WriteLine("over the whole process (every thread, producers included); size is the database plus its WAL at the end.");
        output.WriteLine("For ours, 'tx rows' is the mean rows per append transaction and 'writer us/row' the writer's wall time");
        output.WriteLine("inside transactions per row (a writer slowed by the rest of the process shows here, not in 'tx rows').");
        output.WriteLine();
        var tenths = string.Join(" ", Enumerable.Range(1, 10).Select(i => $"{i + "/10",6}"));
        output.WriteLine($"{"scenario",-80} {"rows",10} {tenths} {"early",7} {"late",7} {"late at",15} {"vs raw",13} {"MiB",6} {"B/row",6} {"cpu us/row",10} {"alloc B/row",11} {"tx rows",8} {"writer us/row",13}");
        output.WriteLine(new string('-', 278));
        foreach (var run in runs.OrderBy(r => r.Section, StringComparer.Ordinal))
        {
            // A tenth shorter than one transaction of the run has no rate of its own.
            var curve = run.Curve.Tenths().Select(r => double.IsFinite(r) ? $"{r / 1000,6:N1}" : $"{"-",6}").ToList();
            while (curve.Count < 10)
                curve.Add($"{"",6}");
            var early = EarlyWindow(run.Rows);
            var (lateFrom, lateTo) = LateWindow(run.Rows);
            var earlyRate = run.Curve.Rate(0, early);
            var lateRate = run.Curve.Rate(lateFrom, lateTo);
            var vsRaw = raw is null || raw.Rows < lateTo
                ? ""
                : $"{Number(earlyRate / raw.Curve.Rate(0, early), 5, "N2")} / {Number(lateRate / raw.Curve.Rate(lateFrom, lateTo), 5, "N2")}";
            output.WriteLine(string.Create(Invariant,
                $"{Truncate(run.Name, 80),-80} {run.Rows,10:N0} {string.Join(" ", curve)} {Number(earlyRate / 1000, 7, "N1")} {Number(lateRate / 1000, 7, "N1")} {$"{lateFrom / 1000:N0}k-{lateTo / 1000:N0}k",15} {vsRaw,13} {run.FileBytes / 1048576.0,6:N0} {run.FileBytes / (double)run.Rows,6:N0} {run.CpuMicrosPerRow,10:N1} {run.AllocatedBytesPerRow,11:N0} {Number(run.Writer?.RowsPerTransaction ?? double.NaN, 8, "N0")} {Number(run.Writer?.WriterMicrosPerRow ?? double.NaN, 13, "N1")}"));
        }
    }

    // A stretch inside one acknowledgement (tiny runs, big transactions) has no rate.
    private static string Number(double value, int width, string format) =>
        (double.IsFinite(value) ? value.ToString(format, Invariant) : "-").PadLeft(width);

    private static string Truncate(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "~";
}
