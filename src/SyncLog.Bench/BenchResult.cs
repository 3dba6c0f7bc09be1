namespace SyncLog.Bench;

/// <summary>One row of the results table.</summary>
/// <param name="Section">The benchmark section (1 to 9 in the README).</param>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The measured value, in <paramref name="Unit"/>.</param>
/// <param name="Unit">rows/s, answers/s, ms, MiB, handles.</param>
/// <param name="Baseline">The row name this one is compared with, if any.</param>
/// <param name="Note">Context: table size, batch shape, target.</param>
/// <param name="Ratio">The ratio to print when it is not simply this value over the baseline's (e.g. at the same table size).</param>
internal sealed record BenchResult(string Section, string Name, double Value, string Unit, string? Baseline = null, string Note = "",
    double? Ratio = null);

/// <summary>Everything one run measured: the results table and the write curves behind its write rows.</summary>
internal sealed record BenchReport(IReadOnlyList<BenchResult> Results, IReadOnlyList<WriteRun> Runs);
