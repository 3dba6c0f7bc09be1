using System.Diagnostics;
using SyncLog.Actors;

namespace SyncLog.Bench;

/// <summary>Opens many libraries at once through one host, appends to each, then lets them passivate.</summary>
internal static class ManyLibrariesBench
{
    public sealed record Outcome(int Libraries, TimeSpan OpenAndAppend, double WorkingSetBeforeMiB, double WorkingSetPeakMiB,
        double WorkingSetAfterMiB, int HandlesBefore, int HandlesPeak, int HandlesAfter, TimeSpan PassivatedWithin,
        double ManagedBeforeMiB, double ManagedPeakMiB, double ManagedAfterMiB);

    public static async Task<Outcome> RunAsync(string dataDir, int libraries, int appendsEach, int passivateAfterSeconds)
    {
        await using var bench = new ActorAppendBench(dataDir, $"{passivateAfterSeconds}s");
        var managedBefore = ManagedMiB(forceFullCollection: true);
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
        var managedPeak = ManagedMiB(forceFullCollection: true);

        // Every library is now idle: give passivation its time, plus a quarter as margin, to close their files.
        clock.Restart();
        await Task.Delay(TimeSpan.FromSeconds(passivateAfterSeconds + Math.Max(1, passivateAfterSeconds / 4)));
        var passivatedWithin = clock.Elapsed;
        var managedAfter = ManagedMiB(forceFullCollection: true);
        var (wsAfter, fdAfter) = Sample();
        return new Outcome(libraries, openAndAppend, wsBefore, wsPeak, wsAfter, fdBefore, fdPeak, fdAfter, passivatedWithin,
            managedBefore, managedPeak, managedAfter);
    }

    // Live managed objects after a full collection: what the open libraries really hold, unlike the working set,
    // which keeps pages the GC and SQLite's allocator have not returned to the OS.
    private static double ManagedMiB(bool forceFullCollection) => GC.GetTotalMemory(forceFullCollection) / 1024.0 / 1024.0;

    private static (double WorkingSetMiB, int Handles) Sample()
    {
        using var process = Process.GetCurrentProcess();
        var handles = OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : process.HandleCount;
        return (process.WorkingSet64 / 1024.0 / 1024.0, handles);
    }
}
