namespace SyncLog.Bench;

/// <summary>Sizes of one benchmark run.</summary>
/// <param name="Rows">Rows written by each pipelined or batched write scenario (each into a fresh library file).</param>
/// <param name="Libraries">Libraries opened at once, appended to and passivated by the many-libraries scenario.</param>
/// <param name="LatencySamples">Single appends timed with one producer.</param>
/// <param name="LatestQueries">GetLatestSequence requests answered in the read-from-memory scenario.</param>
/// <param name="WorkDir">Where the benchmark files go (removed afterwards).</param>
/// <param name="PassivateAfterSeconds">Idle time before the many libraries close: longer than opening them all takes.</param>
/// <param name="Sections">Which sections to run (null: all); section 1, the baseline, always runs.</param>
/// <param name="LibrariesInTurn">Libraries touched one after another (a few at a time) by the libraries-in-turn scenario.</param>
/// <param name="IdleSeconds">How long idle subscribers are watched for CPU use (section 10).</param>
/// <param name="Scenarios">Which section-3 scenarios to run (null: all), by <see cref="ScenarioKey"/>: <c>16x640</c>, <c>batch</c>.</param>
/// <param name="Rounds">
/// Rounds of the short measurements that report medians: section 11 (one raw insert and one catch-up per setup each)
/// and section 3's first 100k rows (one raw insert, 16 x 64 and AppendBatch each). Each lasts about 2 s, so one is noise.
/// </param>
internal sealed record BenchOptions(int Rows, int Libraries, int LatencySamples, int LatestQueries, string WorkDir,
    int PassivateAfterSeconds, IReadOnlySet<int>? Sections = null, int LibrariesInTurn = 10_000, int IdleSeconds = 5,
    IReadOnlySet<string>? Scenarios = null, int Rounds = 3)
{
    /// <summary>The key <c>--scenario</c> names an append scenario by: producers x in flight, or <c>batch</c> for AppendBatch.</summary>
    public static string ScenarioKey(int producers, int window) => $"{producers}x{window}";

    /// <summary>The <c>--scenario</c> key of the AppendBatch scenario.</summary>
    public const string BatchScenario = "batch";

    /// <summary>The highest section number <c>--sections</c> accepts (11, catch-up across two processes).</summary>
    public const int LastSection = 11;

    /// <summary>The section-3 scenario keys <c>--scenario</c> accepts.</summary>
    public static readonly IReadOnlyList<string> KnownScenarios = ["1x1", "16x1", "64x1", "16x64", "16x640", BatchScenario];

    /// <summary>Whether the section-3 scenario <paramref name="key"/> runs.</summary>
    public bool RunsScenario(string key) => Scenarios is null || Scenarios.Contains(key);

    /// <summary>Rows for scenarios whose producers await every append: they run at a few thousand rows a second.</summary>
    public const int ClosedLoopCap = 100_000;

    public static BenchOptions Full(string workDir) => new(100_000, 1000, 5000, 1_000_000, workDir, PassivateAfterSeconds: 20);

    public static BenchOptions Quick(string workDir) =>
        new(2000, 20, 200, 20_000, workDir, PassivateAfterSeconds: 1, LibrariesInTurn: 100, IdleSeconds: 1, Rounds: 1);

    /// <summary>Rows written by closed-loop scenarios (producers awaiting each append).</summary>
    public int ClosedLoopRows => Math.Min(Rows, ClosedLoopCap);
}
