using System.Collections.Concurrent;
using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SyncLog.Actors;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// Section 8: how fast a committed entry reaches a live subscriber, ours (pushed on commit) against Akka.Persistence.Sql's
/// polling <c>EventsByPersistenceId</c> at its defaults and tuned to 10 ms; and what 100 idle subscribers cost in CPU.
/// Latency is measured per entry from the moment its producer sends it to the moment the subscriber has it, so it
/// includes the commit (an fsync); the acknowledgement latency of the same appends is reported beside it. Ours is also
/// measured from the moment its transaction committed (the issue's "commit to subscriber"), through the writer seam;
/// the peer's commit is not observable the same way. Both subscribers are warmed up (one entry delivered) before the
/// load starts.
/// </summary>
internal static class SubscriptionBench
{
    public const int Producers = 4;
    public const int IdleSubscribers = 100;

    /// <summary>Send-to-subscriber, send-to-acknowledgement and (ours only) commit-to-subscriber percentiles (ms).</summary>
    public sealed record Latency(double P50, double P99, double AckP50, double AckP99, int Samples, double? CommitP50 = null,
        double? CommitP99 = null);

    /// <summary>Ours: <see cref="Producers"/> producers awaiting each append, one subscriber through <see cref="SyncLogSource"/>.</summary>
    public static async Task<Latency> OursAsync(string dataDir, NewSyncLogEntry[] rows)
    {
        await using var host = StartHost(dataDir);
        var committed = new ConcurrentDictionary<long, long>();
        LogWriterSeam.Get(host.System).Wrap = (_, writer) => new CommitClock(writer, committed);
        var library = await LeadAsync(host);
        var delivered = new ConcurrentDictionary<long, long>();
        var warm = new TaskCompletionSource();
        var done = SyncLogSource.EntriesAfter(host.Supervisor, library, 0)
            .Take(rows.Length + 1)
            .RunForeach(e =>
            {
                delivered[e.Sequence] = Stopwatch.GetTimestamp();
                warm.TrySetResult();
            }, host.System.Materializer());
        async Task<long> Append(NewSyncLogEntry entry)
        {
            var reply = await host.AskAsync(new Append(library, entry));
            return reply is Appended appended ? appended.Sequence : throw new InvalidOperationException($"append failed: {reply}");
        }

        await Append(rows[0]);
        await warm.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var (sent, acked) = await LoadAsync(rows, Append);
        await done.WaitAsync(TimeSpan.FromSeconds(60));
        var fromCommit = sent.Keys.Select(sequence => committed.TryGetValue(sequence, out var at)
            ? (delivered[sequence] - at) * 1000.0 / Stopwatch.Frequency
            : throw new InvalidOperationException($"sequence {sequence} was delivered but its commit was not timed")).ToList();
        return Measure(sent, acked, delivered) with { CommitP50 = Percentile(fromCommit, 50), CommitP99 = Percentile(fromCommit, 99) };
    }

    /// <summary>The peer: events persisted with <c>PersistAsync</c>, read live by <c>EventsByPersistenceId</c>.</summary>
    public static async Task<Latency> PeerAsync(string workDir, NewSyncLogEntry[] rows, TimeSpan? poll)
    {
        using var system = PeerSystem(workDir, poll);
        var persistenceId = "library-" + Guid.NewGuid();
        var library = system.ActorOf(Props.Create(() => new PeerJournalBench.PeerLibraryActor(persistenceId)));
        // Warm up (the journal creates its tables), outside the measured entries.
        await library.Ask<PeerJournalBench.EventStored>(new PeerJournalBench.StoreEvent(rows[0]), TimeSpan.FromSeconds(60));
        var delivered = new ConcurrentDictionary<long, long>();
        var warm = new TaskCompletionSource();
        var done = ReadJournal(system).EventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .Take(rows.Length + 1)
            .RunForeach(e =>
            {
                delivered[e.SequenceNr] = Stopwatch.GetTimestamp();
                warm.TrySetResult();
            }, system.Materializer());
        await warm.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var (sent, acked) = await LoadAsync(rows, async entry =>
            (await library.Ask<PeerJournalBench.EventStored>(new PeerJournalBench.StoreEvent(entry), TimeSpan.FromSeconds(60))).SequenceNr);
        await done.WaitAsync(TimeSpan.FromSeconds(60));
        await system.Terminate();
        return Measure(sent, acked, delivered);
    }

    /// <summary>Process CPU time per second of idle (ms) with <paramref name="subscribers"/> subscribers on one library.</summary>
    public static async Task<double> OursIdleCpuAsync(string dataDir, TimeSpan idle, int subscribers = IdleSubscribers)
    {
        await using var host = StartHost(dataDir);
        var library = await LeadAsync(host);
        await host.AskAsync(new Append(library, Payloads.Make(1)[0]));
        var materializer = host.System.Materializer();
        var received = new CountdownEvent(Math.Max(1, subscribers));
        if (subscribers == 0)
            received.Signal();
        var kill = KillSwitches.Shared("idle");
        for (var i = 0; i < subscribers; i++)
            _ = SyncLogSource.EntriesAfter(host.Supervisor, library, 0).Via(kill.Flow<SyncLogEntry>())
                .RunForeach(_ => received.Signal(), materializer);
        received.Wait(TimeSpan.FromSeconds(30));
        var cpu = await IdleCpuAsync(idle);
        kill.Shutdown();
        return cpu;
    }

    /// <summary>The same for the peer: <see cref="IdleSubscribers"/> live <c>EventsByPersistenceId</c> queries of one idle persistence id.</summary>
    public static async Task<double> PeerIdleCpuAsync(string workDir, TimeSpan idle, TimeSpan? poll)
    {
        using var system = PeerSystem(workDir, poll);
        var persistenceId = "library-" + Guid.NewGuid();
        var library = system.ActorOf(Props.Create(() => new PeerJournalBench.PeerLibraryActor(persistenceId)));
        await library.Ask<PeerJournalBench.EventStored>(new PeerJournalBench.StoreEvent(Payloads.Make(1)[0]), TimeSpan.FromSeconds(60));
        var journal = ReadJournal(system);
        var received = new CountdownEvent(IdleSubscribers);
        var kill = KillSwitches.Shared("idle");
        for (var i = 0; i < IdleSubscribers; i++)
            _ = journal.EventsByPersistenceId(persistenceId, 0, long.MaxValue).Via(kill.Flow<EventEnvelope>())
                .RunForeach(_ => received.Signal(), system.Materializer());
        received.Wait(TimeSpan.FromSeconds(30));
        var cpu = await IdleCpuAsync(idle);
        kill.Shutdown();
        await system.Terminate();
        return cpu;
    }

    private static async Task<double> IdleCpuAsync(TimeSpan idle)
    {
        // Let start-up work (and tiered JIT in the background) settle, then count only the quiet window.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        await Task.Delay(idle);
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMilliseconds / idle.TotalSeconds;
    }

    // Producers each await their append's acknowledgement, then send the next: a steady load of Producers in flight.
    private static async Task<(ConcurrentDictionary<long, long> Sent, ConcurrentDictionary<long, long> Acked)> LoadAsync(
        NewSyncLogEntry[] rows, Func<NewSyncLogEntry, Task<long>> append)
    {
        var sent = new ConcurrentDictionary<long, long>();
        var acked = new ConcurrentDictionary<long, long>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < rows.Length)
            {
                var at = Stopwatch.GetTimestamp();
                var sequence = await append(rows[i]);
                acked[sequence] = Stopwatch.GetTimestamp();
                sent[sequence] = at;
            }
        })));
        return (sent, acked);
    }

    private static Latency Measure(ConcurrentDictionary<long, long> sent, ConcurrentDictionary<long, long> acked,
        ConcurrentDictionary<long, long> delivered)
    {
        var toSubscriber = new List<double>(sent.Count);
        var toAck = new List<double>(sent.Count);
        foreach (var (sequence, at) in sent)
        {
            if (!delivered.TryGetValue(sequence, out var got))
                throw new InvalidOperationException($"sequence {sequence} was acknowledged but never delivered");
            toSubscriber.Add((got - at) * 1000.0 / Stopwatch.Frequency);
            toAck.Add((acked[sequence] - at) * 1000.0 / Stopwatch.Frequency);
        }

        return new Latency(Percentile(toSubscriber, 50), Percentile(toSubscriber, 99), Percentile(toAck, 50), Percentile(toAck, 99), sent.Count);
    }

    private static double Percentile(List<double> millis, double p)
    {
        millis.Sort();
        return millis[Math.Min(millis.Count - 1, (int)Math.Ceiling(p / 100 * millis.Count) - 1)];
    }

    private static SyncLogHost StartHost(string dataDir) => SyncLogHost.Start(ConfigurationFactory.ParseString($"""
        synclog.data-dir = {SyncLogConfig.Quote(dataDir)}
        synclog.data-dir-env = ""
        synclog.device-id = bench
        akka.loglevel = WARNING
        """), "bench-subscribe");

    private static async Task<Guid> LeadAsync(SyncLogHost host)
    {
        var library = Guid.NewGuid();
        if (await host.AskAsync(new LeadershipChanged(library, "bench", 1)) is not LeadershipAck)
            throw new InvalidOperationException("could not lead the bench library");
        if (await host.AskAsync(new OpenLibrary(library)) is not LibraryOpened)
            throw new InvalidOperationException("could not open the bench library");
        return library;
    }

    private static SqlReadJournal ReadJournal(ActorSystem system) =>
        PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);

    // poll null: the read journal's defaults (refresh-interval and query-delay 1s); else both set to poll.
    private static ActorSystem PeerSystem(string workDir, TimeSpan? poll)
    {
        Directory.CreateDirectory(workDir);
        var connection = SyncLogConfig.Quote($"Data Source={Path.Combine(workDir, $"peer-{Guid.NewGuid():N}.db")}");
        var tuning = poll is { } p
            ? $"refresh-interval = {p.TotalMilliseconds}ms\njournal-sequence-retrieval.query-delay = {p.TotalMilliseconds}ms"
            : "";
        return ActorSystem.Create("peer-query", ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.persistence.journal {
              plugin = "akka.persistence.journal.sql"
              sql {
                class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                connection-string = {{connection}}
                provider-name = "SQLite.MS"
                auto-initialize = true
              }
            }
            akka.persistence.snapshot-store {
              plugin = "akka.persistence.snapshot-store.sql"
              sql {
                class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                connection-string = {{connection}}
                provider-name = "SQLite.MS"
                auto-initialize = true
              }
            }
            akka.persistence.query.journal.sql {
              write-plugin = "akka.persistence.journal.sql"
              connection-string = {{connection}}
              provider-name = "SQLite.MS"
              {{tuning}}
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration));
    }
}
