namespace SyncLog.Bench;

/// <summary>One row of the results table.</summary>
/// <param name="Section">The benchmark section (1 to 6 in the README).</param>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The measured value, in <paramref name="Unit"/>.</param>
/// <param name="Unit">rows/s, answers/s, ms, MiB, handles.</param>
/// <param name="Baseline">The row name this one is compared with, if any.</param>
/// <param name="Note">Context: table size, batch shape, target.</param>
internal sealed record BenchResult(string Section, string Name, double Value, string Unit, string? Baseline = null, string Note = "");
