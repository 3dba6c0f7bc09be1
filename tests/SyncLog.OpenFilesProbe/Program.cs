using System.Diagnostics;
using Akka.Configuration;
using SyncLog.Actors;

// Open-files probe for the max-open-libraries spec: leads, appends to and reads back <libraries> libraries through one
// host capped at <cap> open libraries, <concurrency> at a time, and prints what it saw. Run it under a low
// `ulimit -n`: without the cap it would fail with "too many open files".
// Usage: SyncLog.OpenFilesProbe <data-dir> <libraries> <cap> <concurrency>
var dataDir = args[0];
var count = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var cap = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var concurrency = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
var host = SyncLogHost.Start(ConfigurationFactory.ParseString($"""
    synclog.data-dir = {SyncLogConfig.Quote(dataDir)}
    synclog.data-dir-env = ""
    synclog.device-id = probe
    synclog.max-open-libraries = {cap}
    synclog.max-open-libraries-wait = 60s
    synclog.storage.synchronous = normal
    # Leadership of every library replays from the one shared sync-host.db; on a loaded machine many starting at once
    # can take longer than the 5 s default. This probe is about open files, not that.
    synclog.persistence.journal.recovery-event-timeout = 60s
    akka.loglevel = WARNING
    """), "probe");

var timeout = TimeSpan.FromMinutes(2);
var baseHandles = Handles();
var baseWorkingSet = Environment.WorkingSet;
long peakWorkingSet = baseWorkingSet;
var failures = 0;
var peakHandles = Handles();
var next = -1;
var clock = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
{
    for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
    {
        var library = Guid.NewGuid();
        var entry = new SyncLog.Storage.NewSyncLogEntry("probe", DateTimeOffset.UtcNow, "entry", $"r{i}", SyncLog.Storage.ChangeType.Insert,
            $$"""{"n":{{i}}}""");
        var replies = new[]
        {
            await host.AskAsync(new LeadershipChanged(library, "probe", 1), timeout),
            await host.AskAsync(new Append(library, entry), timeout),
            await host.AskAsync(new FetchSince(library, 0, 10), timeout),
        };
        var ok = replies[0] is LeadershipAck && replies[1] is Appended { Sequence: 1 }
                 && replies[2] is Fetched { Result.Entries: [{ RecordId: var record }] } && record == $"r{i}";
        if (!ok)
        {
            Interlocked.Increment(ref failures);
            Console.WriteLine($"failed {library}: {string.Join(" | ", replies.Select(r => r.ToString()))}");
        }

        var handles = Handles();
        InterlockedMax(ref peakHandles, handles);
        var workingSet = Environment.WorkingSet;
        if (workingSet > Interlocked.Read(ref peakWorkingSet))
            Interlocked.Exchange(ref peakWorkingSet, workingSet);
    }
}));

Console.WriteLine($"touched {count} libraries, {failures} failed, cap {cap}, open handles {baseHandles} at start, peak {peakHandles}, working set {baseWorkingSet / 1048576} MiB at start, peak {peakWorkingSet / 1048576} MiB, in {clock.Elapsed.TotalSeconds:N1} s");
await host.DisposeAsync();
return failures == 0 ? 0 : 1;

static int Handles() => Directory.GetFiles("/proc/self/fd").Length;

static void InterlockedMax(ref int target, int value)
{
    for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
    {
        if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            return;
    }
}
