using System.Diagnostics;

namespace SyncLog.Bench;

/// <summary>
/// Touches many libraries one after another, a few at a time (lead, append a batch, move on), the way a host serving
/// many users sees them, while passivation closes the idle ones. Samples memory and file handles as it goes, and counts
/// the libraries open at each sample from the process's open <c>sync.db</c> files, for a cost per open library.
/// </summary>
internal static class LibrariesInTurnBench
{
    private const int Concurrent = 8;
    private const int AppendsEach = 10;
    private const int PassivateAfterSeconds = 3;
    private const int Samples = 20;

    private const string Section = "8 in turn";

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(string dataDir, int libraries)
    {
        await using var bench = new ActorAppendBench(dataDir, $"{PassivateAfterSeconds}s");
        var before = Sample.Take();
        var peak = before;
        var clock = Stopwatch.StartNew();
        var next = 0;
        var sampleEvery = Math.Max(1, libraries / Samples);
        var gate = new object();
        await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(async _ =>
        {
            while (true)
            {
                var n = Interlocked.Increment(ref next);
                if (n > libraries)
                    return;
                var id = await bench.NewLibraryAsync();
                var reply = await bench.Host.AskAsync(new SyncLog.Actors.AppendBatch(id, Payloads.Make(AppendsEach, seed: n)), TimeSpan.FromMinutes(1));
                if (reply is not SyncLog.Actors.BatchAppended)
                    throw new InvalidOperationException($"append to library {id} failed: {reply}");
                if (n % sampleEvery == 0)
                {
                    var now = Sample.Take();
                    lock (gate)
                        peak = Sample.Max(peak, now);
                }
            }
        }));
        var elapsed = clock.Elapsed;
        var end = Sample.Take();
        await Task.Delay(TimeSpan.FromSeconds(PassivateAfterSeconds * 2 + 1));
        var after = Sample.Take(fullCollection: true);

        var open = Math.Max(1, peak.OpenLibraries);
        string PerLibrary(double total, double baseline, string unit) => $"{(total - baseline) / open:N1} {unit} per open library";
        return
        [
            new(Section, $"{libraries:N0} libraries in turn, {Concurrent} at a time, {AppendsEach} appends each", libraries / elapsed.TotalSeconds,
                "libraries/s", Note: $"in {elapsed.TotalSeconds:N1} s; passivate-after {PassivateAfterSeconds}s"),
            new(Section, "libraries open at once: peak / at the end / passivated", peak.OpenLibraries, "libraries",
                Note: $"{peak.OpenLibraries} / {end.OpenLibraries} / {after.OpenLibraries}"),
            new(Section, "working set: before / peak / passivated", peak.WorkingSetMiB, "MiB",
                Note: $"{before.WorkingSetMiB:N0} / {peak.WorkingSetMiB:N0} / {after.WorkingSetMiB:N0} MiB; {PerLibrary(peak.WorkingSetMiB * 1024, before.WorkingSetMiB * 1024, "KiB")}"),
            new(Section, "managed heap: before / peak / passivated (live after a full GC)", peak.ManagedMiB, "MiB",
                Note: $"{before.ManagedMiB:N0} / {peak.ManagedMiB:N0} / {after.ManagedMiB:N0} MiB; {PerLibrary(peak.ManagedMiB * 1024, before.ManagedMiB * 1024, "KiB")} (peak sampled without a full GC)"),
            new(Section, "open file handles: before / peak / passivated", peak.Handles, "handles",
                Note: $"{before.Handles} / {peak.Handles} / {after.Handles}; {PerLibrary(peak.Handles, before.Handles, "handles")}"),
        ];
    }

    private sealed record Sample(double WorkingSetMiB, double ManagedMiB, int Handles, int OpenLibraries)
    {
        public static Sample Take(bool fullCollection = false)
        {
            using var process = Process.GetCurrentProcess();
            var (handles, open) = OpenFiles();
            return new Sample(process.WorkingSet64 / 1048576.0, GC.GetTotalMemory(fullCollection) / 1048576.0, handles, open);
        }

        public static Sample Max(Sample a, Sample b) => new(Math.Max(a.WorkingSetMiB, b.WorkingSetMiB),
            Math.Max(a.ManagedMiB, b.ManagedMiB), Math.Max(a.Handles, b.Handles), Math.Max(a.OpenLibraries, b.OpenLibraries));

        // Linux: every descriptor, and the distinct sync.db files among them (each open library holds its own).
        private static (int Handles, int OpenLibraries) OpenFiles()
        {
            if (!OperatingSystem.IsLinux())
            {
                using var process = Process.GetCurrentProcess();
                return (process.HandleCount, 0);
            }

            var libraries = new HashSet<string>();
            var fds = Directory.GetFiles("/proc/self/fd");
            foreach (var fd in fds)
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget is { } target && target.EndsWith("/sync.db", StringComparison.Ordinal))
                        libraries.Add(target);
                }
                catch (IOException)
                {
                    // Closed between the listing and the read.
                }
            }

            return (fds.Length, libraries.Count);
        }
    }
}
