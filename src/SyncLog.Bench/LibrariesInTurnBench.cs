using System.Diagnostics;
using SyncLog.Actors;

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
        var before = Sample.Take(dataDir);
        var peak = before;
        var clock = Stopwatch.StartNew();
        var next = 0;
        var sampleEvery = Math.Max(1, libraries / Samples);
        var gate = new Lock();
        await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(async _ =>
        {
            while (true)
            {
                var n = Interlocked.Increment(ref next);
                if (n > libraries)
                    return;
                var id = await bench.NewLibraryAsync();
                var reply = await bench.Host.AskAsync(new AppendBatch(id, Payloads.Make(AppendsEach, seed: n)), TimeSpan.FromMinutes(1));
                if (reply is not BatchAppended)
                    throw new InvalidOperationException($"append to library {id} failed: {reply}");
                if (n % sampleEvery == 0)
                {
                    var now = Sample.Take(dataDir);
                    lock (gate)
                        peak = Sample.Max(peak, now);
                }
            }
        }));
        var elapsed = clock.Elapsed;
        var end = Sample.Take(dataDir);
        await Task.Delay(TimeSpan.FromSeconds(PassivateAfterSeconds * 2 + 1));
        var after = Sample.Take(dataDir);

        var open = Math.Max(1, peak.OpenLibraries);
        string PerLibrary(double total, double baseline, string unit) => $"{(total - baseline) / open:N1} {unit} per open library at the peak";
        return
        [
            new(Section, $"{libraries:N0} libraries in turn, {Concurrent} at a time, {AppendsEach} appends each", libraries / elapsed.TotalSeconds,
                "libraries/s", Note: $"in {elapsed.TotalSeconds:N1} s; passivate-after {PassivateAfterSeconds}s"),
            new(Section, "libraries open at once: peak / at the end / passivated", peak.OpenLibraries, "libraries",
                Note: $"{peak.OpenLibraries} / {end.OpenLibraries} / {after.OpenLibraries}"),
            new(Section, "working set: before / peak / passivated", peak.WorkingSetMiB, "MiB",
                Note: $"{before.WorkingSetMiB:N0} / {peak.WorkingSetMiB:N0} / {after.WorkingSetMiB:N0} MiB; {PerLibrary(peak.WorkingSetMiB * 1024, before.WorkingSetMiB * 1024, "KiB")} (an upper bound: the host's own growth counts too)"),
            new(Section, "live managed heap: before / peak / passivated", peak.ManagedMiB, "MiB",
                Note: $"{before.ManagedMiB:N0} / {peak.ManagedMiB:N0} / {after.ManagedMiB:N0} MiB; {PerLibrary(peak.ManagedMiB * 1024, after.ManagedMiB * 1024, "KiB")} (what passivation gave back)"),
            new(Section, "open file handles: before / peak / passivated", peak.Handles, "handles",
                Note: $"{before.Handles} / {peak.Handles} / {after.Handles}; {PerLibrary(peak.Handles, before.Handles, "handles")}; library files still open after passivation: {after.DataDirFiles}"),
        ];
    }

    // Live managed heap after a full collection, so the peak is what the open libraries hold, not garbage.
    private sealed record Sample(double WorkingSetMiB, double ManagedMiB, int Handles, int OpenLibraries, int DataDirFiles)
    {
        public static Sample Take(string dataDir)
        {
            var managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
            using var process = Process.GetCurrentProcess();
            var (handles, open, underDataDir) = OpenFiles(Path.Combine(Path.GetFullPath(dataDir), "libraries") + "/");
            return new Sample(process.WorkingSet64 / 1048576.0, managed, handles, open, underDataDir);
        }

        public static Sample Max(Sample a, Sample b) => new(Math.Max(a.WorkingSetMiB, b.WorkingSetMiB),
            Math.Max(a.ManagedMiB, b.ManagedMiB), Math.Max(a.Handles, b.Handles), Math.Max(a.OpenLibraries, b.OpenLibraries),
            Math.Max(a.DataDirFiles, b.DataDirFiles));

        // Linux: every descriptor, the distinct sync.db files among them (each open library holds its own), and every
        // descriptor on a library's file (lock, database, WAL, shared memory): none once all have passivated. The
        // host's own leadership journal, at the top of the data dir, stays open and is not counted.
        private static (int Handles, int OpenLibraries, int UnderLibraries) OpenFiles(string librariesDir)
        {
            if (!OperatingSystem.IsLinux())
            {
                using var process = Process.GetCurrentProcess();
                return (process.HandleCount, 0, 0);
            }

            var underDataDir = 0;
            var libraries = new HashSet<string>();
            var fds = Directory.GetFiles("/proc/self/fd");
            foreach (var fd in fds)
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget is not { } target || !target.StartsWith(librariesDir, StringComparison.Ordinal))
                        continue;
                    underDataDir++;
                    if (target.EndsWith("/sync.db", StringComparison.Ordinal))
                        libraries.Add(target);
                }
                catch (IOException)
                {
                    // Closed between the listing and the read.
                }
            }

            return (fds.Length, libraries.Count, underDataDir);
        }
    }
}
