using System.Diagnostics;
using Akka.Actor;
using HdrHistogram;

namespace SyncLog.Bench;

/// <summary>Runs many <see cref="ProducerActor"/>s at once and reports throughput and merged latency.</summary>
internal static class Producers
{
    /// <summary>
    /// <paramref name="producers"/> producers each send <paramref name="perProducer"/> requests with
    /// <paramref name="window"/> in flight; returns requests acknowledged per second and the latency histogram (ticks).
    /// Each acknowledgement adds <paramref name="rowsPerRequest"/> rows to <paramref name="curve"/>, if given.
    /// </summary>
    public static async Task<(double PerSecond, LongHistogram Latency)> RunAsync(ActorSystem system, IActorRef target,
        int producers, int perProducer, int window, Func<int, int, object> request, Func<object, bool> acknowledged,
        RateCurve? curve = null, int rowsPerRequest = 1)
    {
        Action? onAck = curve is null ? null : () => curve.Add(rowsPerRequest);
        var done = Enumerable.Range(0, producers).Select(_ => new TaskCompletionSource<LongHistogram>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var clock = Stopwatch.StartNew();
        for (var p = 0; p < producers; p++)
        {
            var producer = p;
            system.ActorOf(ProducerActor.Props(target, i => request(producer, i), acknowledged, perProducer, window, done[p], onAck));
        }

        var histograms = await Task.WhenAll(done.Select(d => d.Task));
        var elapsed = clock.Elapsed;
        var merged = new LongHistogram(TimeSpan.FromMinutes(1).Ticks, 3);
        foreach (var h in histograms)
            merged.Add(h);
        return (producers * (double)perProducer / elapsed.TotalSeconds, merged);
    }

    /// <summary>A percentile of a ticks histogram, in milliseconds.</summary>
    public static double Millis(LongHistogram histogram, double percentile) =>
        histogram.GetValueAtPercentile(percentile) / (double)TimeSpan.TicksPerMillisecond;
}
