using System.Globalization;

namespace SyncLog.Bench;

/// <summary>Prints the results as a fixed-width table with a ratio column against each row's baseline.</summary>
internal static class ResultTable
{
    public static void Print(IReadOnlyList<BenchResult> results, BenchOptions options, TextWriter output)
    {
        output.WriteLine($"SyncLogActors benchmark: {options.Rows:N0} rows per write scenario, {Environment.ProcessorCount} cores, synchronous=FULL, .NET {Environment.Version}");
        output.WriteLine();
        output.WriteLine($"{"section",-17} {"scenario",-72} {"value",14} {"unit",-11} {"ratio",8}  note");
        output.WriteLine(new string('-', 150));
        foreach (var r in results)
        {
            var baseline = r.Baseline is null ? null : results.FirstOrDefault(b => b.Name == r.Baseline);
            var ratio = baseline is null ? "" : (r.Value / baseline.Value).ToString("N2", CultureInfo.InvariantCulture) + "x";
            var value = r.Unit == "ms" ? r.Value.ToString("N3", CultureInfo.InvariantCulture) : r.Value.ToString("N0", CultureInfo.InvariantCulture);
            output.WriteLine($"{r.Section,-17} {r.Name,-72} {value,14} {r.Unit,-11} {ratio,8}  {r.Note}");
        }
    }
}
