using System.Diagnostics;
using SyncLog.Actors;

namespace SyncLog.Bench;

/// <summary>Opens many libraries at once through one host, appends to each, then lets them passivate.</summary>
internal static class ManyLibrariesBench
{
    public sealed record Outcome(int Libraries, TimeSpan OpenAndAppend, double WorkingSetBeforeMiB, double WorkingSetPeakMiB,
        double WorkingSetAfterMiB, int HandlesBefore, int HandlesPeak, int HandlesAfter, TimeSpan PassivatedWithin);

    public static async Task<Outcome> RunAsync(ActorAppendBench bench, int libraries, int appendsEach)
    {
        var (wsBefore, fdBefore) = Sample();
        var clock = Stopwatch.StartNew();
        var ids = await Task.WhenAll(Enumerable.Range(0, libraries).Select(_ => bench.NewLibraryAsync()));
        await Task.WhenAll(ids.Select(async id =>
        {
            var reply = await bench.Host.AskAsync(new AppendBatch(id, Payloads.Make(appendsEach, seed: id.GetHashCode())), TimeSpan.FromMinutes(2));
            if (reply is not BatchAppended)
                throw new InvalidOperationException($"append to library {id} failed: {reply}");
        }));
        var openAndAppend = clock.Elapsed;
        var (wsPeak, fdPeak) = Sample();

        // Every library is now idle; wait for passivation to close their files (passivate-after = 2s).
        clock.Restart();
        var (wsAfter, fdAfter) = Sample();
        while (fdAfter > fdBefore + 8 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(250);
            (wsAfter, fdAfter) = Sample();
        }

        GC.Collect();
        (wsAfter, fdAfter) = Sample();
        return new Outcome(libraries, openAndAppend, wsBefore, wsPeak, wsAfter, fdBefore, fdPeak, fdAfter, clock.Elapsed);
    }

    private static (double WorkingSetMiB, int Handles) Sample()
    {
        using var process = Process.GetCurrentProcess();
        var handles = OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : process.HandleCount;
        return (process.WorkingSet64 / 1024.0 / 1024.0, handles);
    }
}
