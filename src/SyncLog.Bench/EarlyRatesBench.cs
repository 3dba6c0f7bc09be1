using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// Section 3's first 100k rows, measured apart from the long runs: each round writes the same rows with a raw 1000
/// rows/tx insert, 16 producers x 64 in flight and <c>AppendBatch</c> of 1000, each into an empty file, in an order that
/// rotates each round. A first 100k rows lasts about 2 s and raw alone moved 46k-65k rows/s between quiet runs, so
/// the section compares medians of rounds that saw the same machine.
/// </summary>
internal static class EarlyRatesBench
{
    /// <summary>Runs <paramref name="rounds"/> rounds of the three writers over <paramref name="rows"/>.</summary>
    public static async Task<EarlyRates> RunAsync(ActorAppendBench ours, string workDir, NewSyncLogEntry[] rows, int rounds)
    {
        List<double> raw = [], pipelined = [], batched = [];
        Func<int, Task>[] writers =
        [
            async round => raw.Add(await RawSqliteBench.InsertRateAsync(Path.Combine(workDir, $"early-raw-{round}"), rows)),
            async _ => pipelined.Add((await ours.AppendAsync(rows, 16, 64)).RowsPerSecond),
            async _ => batched.Add((await ours.AppendBatchesAsync(rows, 1000)).RowsPerSecond),
        ];
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < writers.Length; k++)
                await writers[(k + round) % writers.Length](round);
        }

        return new EarlyRates(Spread.Of(raw), Spread.Of(pipelined), Spread.Of(batched));
    }
}

/// <summary>The first-100k-row rates of every round: raw 1000 rows/tx, 16 producers x 64 in flight, AppendBatch of 1000.</summary>
internal sealed record EarlyRates(Spread Raw, Spread Pipelined, Spread Batched);
