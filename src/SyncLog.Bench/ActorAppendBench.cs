using Akka.Actor;
using Akka.Configuration;
using HdrHistogram;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>SyncLogActors itself: acked appends through the supervisor, reads, latest-sequence answers, many libraries.</summary>
internal sealed class ActorAppendBench(string dataDir, string passivateAfter = "2s") : IAsyncDisposable
{
    private readonly SyncLogHost _host = SyncLogHost.Start(ConfigurationFactory.ParseString($"""
        synclog.data-dir = {SyncLogConfig.Quote(dataDir)}
        synclog.data-dir-env = ""
        synclog.device-id = bench
        synclog.passivate-after = {passivateAfter}
        synclog.max-pending-appends = 1000000
        # Section 6 measures what 1000 libraries open at once cost, so the open-library cap is lifted here.
        synclog.max-open-libraries = 0
        akka.loglevel = WARNING
        """), "bench");

    private Actors.Writes.ILogWriter WriterFor(Guid library, Actors.Writes.ILogWriter writer) =>
        _standIns.TryGetValue(library, out var standIn) ? standIn : new WriterProbe(writer, _tallies.GetOrAdd(library, _ => new WriterTally()));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, WriterTally> _tallies = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Actors.Writes.ILogWriter> _standIns = new();

    public SyncLogHost Host => _host;

    /// <summary>The append transactions of <paramref name="library"/> so far (see <see cref="WriterProbe"/>).</summary>
    public WriterStats WriterStatsOf(Guid library) =>
        _tallies.TryGetValue(library, out var tally) ? tally.Stats() : new WriterStats(double.NaN, double.NaN);

    /// <summary>The file of <paramref name="library"/>'s log.</summary>
    public string PathOf(Guid library) => SyncLogDb.PathFor(library, dataDir);

    /// <summary>A fresh library led by this host; its appends go to <paramref name="standIn"/> instead of its file, if given.</summary>
    public async Task<Guid> NewLibraryAsync(Actors.Writes.ILogWriter? standIn = null)
    {
        var library = Guid.NewGuid();
        if (standIn is not null)
            _standIns[library] = standIn;
        // Every library of this host counts its transactions; the probe is one timestamp pair per transaction.
        Actors.Writes.LogWriterSeam.Get(_host.System).Wrap ??= WriterFor;
        // Opened explicitly, as an app does: a library that was never opened or written has no log to answer from.
        if (await _host.AskAsync(new OpenLibrary(library)) is not LibraryOpened)
            throw new InvalidOperationException("could not open the bench library");
        if (await _host.AskAsync(new LeadershipChanged(library, "bench", 1)) is not LeadershipAck)
            throw new InvalidOperationException("could not lead the bench library");
        return library;
    }

    /// <summary>Acked single appends from <paramref name="producers"/> producers, each with <paramref name="window"/> in flight.</summary>
    public async Task<(double RowsPerSecond, LongHistogram Latency, Guid Library)> AppendAsync(NewSyncLogEntry[] rows, int producers,
        int window, RateCurve? curve = null, Actors.Writes.ILogWriter? standIn = null)
    {
        var library = await NewLibraryAsync(standIn);
        var perProducer = rows.Length / producers;
        var (perSecond, latency) = await Producers.RunAsync(_host.System, _host.Supervisor, producers, perProducer, window,
            (p, i) => new Append(library, rows[p * perProducer + i]), reply => reply is Appended, curve);
        return (perSecond, latency, library);
    }

    /// <summary>Acked <see cref="AppendBatch"/>es of <paramref name="batchSize"/> from one producer.</summary>
    public async Task<(double RowsPerSecond, Guid Library)> AppendBatchesAsync(NewSyncLogEntry[] rows, int batchSize, RateCurve? curve = null)
    {
        var library = await NewLibraryAsync();
        var batches = rows.Chunk(batchSize).ToArray();
        var (perSecond, _) = await Producers.RunAsync(_host.System, _host.Supervisor, 1, batches.Length, 1,
            (_, i) => new AppendBatch(library, batches[i]), reply => reply is BatchAppended, curve, batchSize);
        return (perSecond * batchSize, library);
    }

    /// <summary>Reads the whole library with FetchSince pages through the actor; rows per second.</summary>
    public async Task<double> FetchAllAsync(Guid library, int pageSize)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long cursor = 0, read = 0;
        while (true)
        {
            var page = ((Fetched)await _host.AskAsync(new FetchSince(library, cursor, pageSize))).Result;
            read += page.Entries.Count;
            if (!page.HasMore)
                return read / clock.Elapsed.TotalSeconds;
            cursor = page.Entries[^1].Sequence;
        }
    }

    /// <summary>GetLatestSequence answers per second from <paramref name="producers"/> pipelined producers.</summary>
    public async Task<double> LatestSequenceAsync(Guid library, int total, int producers, int window)
    {
        var (perSecond, _) = await Producers.RunAsync(_host.System, _host.Supervisor, producers, total / producers, window,
            (_, _) => new GetLatestSequence(library), reply => reply is LatestSequence);
        return perSecond;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
