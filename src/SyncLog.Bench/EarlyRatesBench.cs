using System.Diagnostics;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// Section 3's first 100k rows, measured apart from the long runs: each round writes the same rows with a raw 1000
/// rows/tx insert, 16 producers x 64 in flight and <c>AppendBatch</c> of 1000, each into an empty file, in an order that
/// rotates each round. A first 100k rows lasts about 2 s and raw alone moved 46k-75k rows/s between quiet runs, so
/// the section compares rounds that saw the same machine: ratios are taken within a round, then the median.
/// Each round then runs 16 x 64 twice more with a <see cref="StandInWriter"/> in place of the file: one that stores
/// nothing (the actor path alone) and one that spends raw's time per row of that round (a writer as fast as raw).
/// </summary>
internal static class EarlyRatesBench
{
    /// <summary>Runs <paramref name="rounds"/> rounds of the writers over <paramref name="rows"/>.</summary>
    public static async Task<EarlyRates> RunAsync(ActorAppendBench ours, string workDir, NewSyncLogEntry[] rows, int rounds)
    {
        var raw = new double[rounds];
        var pipelined = new double[rounds];
        var batched = new double[rounds];
        var pathAlone = new double[rounds];
        var pathCpu = new double[rounds];
        var asFastAsRaw = new double[rounds];
        Func<int, Task>[] writers =
        [
            async round => raw[round] = await RawSqliteBench.InsertRateAsync(Path.Combine(workDir, $"early-raw-{round}"), rows),
            async round => pipelined[round] = (await ours.AppendAsync(rows, 16, 64)).RowsPerSecond,
            async round => batched[round] = (await ours.AppendBatchesAsync(rows, 1000)).RowsPerSecond,
        ];
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < writers.Length; k++)
                await writers[(k + round) % writers.Length](round);

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            pathAlone[round] = (await ours.AppendAsync(rows, 16, 64, standIn: new StandInWriter(0))).RowsPerSecond;
            pathCpu[round] = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / rows.Length;
            asFastAsRaw[round] = (await ours.AppendAsync(rows, 16, 64, standIn: new StandInWriter(1e6 / raw[round]))).RowsPerSecond;
        }

        return new EarlyRates(Spread.Of(raw), new EarlyRate(pipelined, raw), new EarlyRate(batched, raw),
            new EarlyRate(pathAlone, raw), Spread.Of(pathCpu).Median, new EarlyRate(asFastAsRaw, raw));
    }
}

/// <summary>
/// The first-100k-row rates of every round: raw 1000 rows/tx, 16 producers x 64 in flight, AppendBatch of 1000, and
/// 16 x 64 into the two stand-in writers, with the actor path's CPU time per append (whole process).
/// </summary>
internal sealed record EarlyRates(Spread Raw, EarlyRate Pipelined, EarlyRate Batched, EarlyRate PathAlone,
    double PathCpuMicrosPerAppend, EarlyRate AsFastAsRaw);

/// <summary>One writer's rates over the rounds, and the median of its ratio to raw within each round.</summary>
internal sealed record EarlyRate(Spread Rates, double RatioToRaw)
{
    public EarlyRate(double[] rates, double[] raw)
        : this(Spread.Of(rates), CatchUpBench.Median(rates.Zip(raw, (ours, baseline) => ours / baseline).ToArray()))
    {
    }
}
