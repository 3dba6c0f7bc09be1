using Akka.Configuration;
using SyncLog.Actors;
using SyncLog.Storage;

// Crash probe for the durability spec: appends through the actor host, many producers at once, and prints
// "acked <sequence> <record id>" for each acknowledgement, until the spec kills the process with SIGKILL.
// Usage: SyncLog.CrashProbe <data-dir> <library-id>
var dataDir = args[0];
var library = Guid.Parse(args[1]);
var host = SyncLogHost.Start(ConfigurationFactory.ParseString($"""
    synclog.data-dir = {SyncLogConfig.Quote(dataDir)}
    synclog.data-dir-env = ""
    synclog.device-id = probe
    akka.loglevel = OFF
    akka.stdout-loglevel = OFF
    """), "probe");
if (await host.AskAsync(new LeadershipChanged(library, "probe", 1)) is not LeadershipAck)
    return 1;

var output = Console.Out;
var gate = new object();
await Task.WhenAll(Enumerable.Range(0, 8).Select(async producer =>
{
    for (var i = 0; ; i++)
    {
        var record = $"{producer}-{i}";
        var entry = new NewSyncLogEntry("probe", DateTimeOffset.UtcNow, "entry", record, ChangeType.Insert, $$"""{"n":{{i}}}""");
        if (await host.AskAsync(new Append(library, entry)) is not Appended appended)
            return;
        lock (gate)
        {
            output.WriteLine($"acked {appended.Sequence} {record}");
            output.Flush();
        }
    }
}));
return 0;
