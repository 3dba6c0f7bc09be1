using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>Runs the sections in order and collects the rows of the results table and the write curves.</summary>
internal sealed class BenchRunner(BenchOptions options, Action<string> progress)
{
    public const string Raw = "raw SQLite insert, 1000 rows/tx";
    public const string Raw10K = "raw SQLite insert, 10,000 rows/tx";
    public const string Peer = "Akka.Persistence.Sql journal tuned, PersistAsync, 16 producers x 64 in flight";
    public const string RawRead = "raw SELECT, 1000-row pages (best of 2)";

    // Enough appends for tiered compilation to promote the write path before the first timed scenario.
    private const int WarmUpRows = 50_000;

    private readonly List<BenchResult> _results = [];
    private readonly List<WriteRun> _runs = [];
    private readonly NewSyncLogEntry[] _entries = Payloads.Make(options.Rows);
    private WriteRun? _peer;
    private (string Path, Guid Library) _rawLog;
    private Guid? _pipelinedLibrary;

    public static async Task<BenchReport> RunAsync(BenchOptions options, Action<string> progress)
    {
        var runner = new BenchRunner(options, progress);
        await runner.RunAsync();
        return new BenchReport(runner._results, runner._runs);
    }

    private async Task RunAsync()
    {
        var (raw, rawLog) = await RawAsync(Raw, 1000, "raw-0");
        if (Runs(2))
            await PeerAsync();
        await using var ours = new ActorAppendBench(Path.Combine(options.WorkDir, "ours"));
        if (Runs(3))
            await AppendsAsync(ours);
        // The disk of a shared machine drifts: measure the baseline again after the actor runs and keep the better.
        var (again, againLog) = await RawAsync(Raw, 1000, "raw-1");
        var (kept, dropped) = again.Curve.Overall > raw.Curve.Overall ? (again, raw) : (raw, again);
        _rawLog = kept == again ? againLog : rawLog;
        _runs.Remove(dropped);
        _runs.Remove(kept);
        _runs.Insert(0, kept);
        await RawAsync(Raw10K, 10_000, "raw-10k");
        if (Runs(4))
            await FetchAsync(ours);
        if (Runs(5))
            await LatencyAsync(ours);
        if (Runs(6))
            await ManyLibrariesAsync();
        if (Runs(7))
            await LatestAsync(ours);
        if (Runs(8))
            await LibrariesInTurnAsync();
        if (Runs(9))
            await ReadsAtSizeAsync();
        if (Runs(10))
            await SubscriptionsAsync();
        if (Runs(11))
            await CatchUpAsync();
        WriteRowsFromRuns();
    }

    // Every producer sends the same number of requests, so a run writes a whole multiple of the producers.
    private static NewSyncLogEntry[] Whole(NewSyncLogEntry[] rows, int producers) => rows[..(rows.Length / producers * producers)];

    private bool Runs(int section) => options.Sections is null || options.Sections.Contains(section);

    private async Task<(WriteRun Run, (string Path, Guid Library) Log)> RawAsync(string name, int rowsPerTransaction, string dir)
    {
        progress($"1. raw SQLite, {rowsPerTransaction} rows/tx");
        (string, Guid) log = default;
        var run = await WriteRun.MeasureAsync("1 raw limit", name, _entries.Length, async curve =>
        {
            log = await RawSqliteBench.InsertAsync(Path.Combine(options.WorkDir, dir), _entries, rowsPerTransaction, curve);
            return log.Item1;
        });
        _runs.Add(run);
        return (run, log);
    }

    private async Task PeerAsync()
    {
        progress("2. Akka.Persistence.Sql peer");
        // A throwaway run first, so the first measured setup does not pay for loading and compiling the plugin.
        await PeerJournalBench.PersistAsync(Path.Combine(options.WorkDir, "peer-warmup"), Whole(_entries[..Math.Min(_entries.Length, 5000)], 16),
            producers: 16, window: 64, PeerJournalBench.Setup.Tuned);
        foreach (var (name, setup, window, rows) in new[]
                 {
                     (Peer, PeerJournalBench.Setup.Tuned, 64, Whole(_entries, 16)),
                     ("Akka.Persistence.Sql journal tuned, PersistAsync, 16 producers x 1 in flight", PeerJournalBench.Setup.Tuned, 1, Whole(_entries[..options.ClosedLoopRows], 16)),
                     ("Akka.Persistence.Sql journal WAL only, PersistAsync, 16 producers x 64 in flight", PeerJournalBench.Setup.WalOnly, 64, Whole(_entries[..options.ClosedLoopRows], 16)),
                     ("Akka.Persistence.Sql journal defaults, PersistAsync, 16 producers x 64 in flight", PeerJournalBench.Setup.Defaults, 64, Whole(_entries[..options.ClosedLoopRows], 16)),
                 })
        {
            var pragmas = "";
            var dir = Path.Combine(options.WorkDir, "peer-" + _runs.Count);
            var run = await WriteRun.MeasureAsync("2 peer", name, rows.Length, async curve =>
            {
                (_, pragmas) = await PeerJournalBench.PersistAsync(dir, rows, producers: 16, window, setup, curve);
                return Path.Combine(dir, "peer-journal.db");
            });
            _runs.Add(run);
            _peer ??= run;
            _results.Add(new("2 peer", name, run.Curve.Overall, "rows/s", Raw,
                $"table 0 -> {rows.Length:N0} rows; {pragmas}; batch-size {setup.BatchSize}, parallelism {setup.Parallelism}"));
        }
    }

    private async Task AppendsAsync(ActorAppendBench ours)
    {
        progress("3. SyncLogActors appends");
        // Unmeasured, into libraries of their own: the JIT settles on rows no scenario times, so a lone --scenario
        // starts as warm as it does after the closed-loop scenarios of the full section.
        var warmUp = Whole(_entries[..Math.Min(_entries.Length, WarmUpRows)], 16);
        await ours.AppendAsync(warmUp, 16, 64);
        await ours.AppendBatchesAsync(warmUp, 1000);
        // 16 x 64 keeps 1,024 appends in flight, about one transaction at max-batch-size; 16 x 640 keeps a backlog ten
        // times deeper, which adaptive group commit writes in transactions up to max-batch-size-hard.
        foreach (var (producers, window) in new[] { (1, 1), (16, 1), (64, 1), (16, 64), (16, 640) })
        {
            if (!options.RunsScenario(BenchOptions.ScenarioKey(producers, window)))
                continue;
            var rows = Whole(window == 1 ? _entries[..options.ClosedLoopRows] : _entries, producers);
            var library = Guid.Empty;
            var run = await WriteRun.MeasureAsync("3 ours", $"Append, {producers} producers x {window} in flight", rows.Length, async curve =>
            {
                (_, _, library) = await ours.AppendAsync(rows, producers, window, curve);
                return ours.PathOf(library);
            });
            _runs.Add(run with { Writer = ours.WriterStatsOf(library) });
            if (window == 64)
                _pipelinedLibrary = library;
        }

        if (options.RunsScenario(BenchOptions.BatchScenario))
        {
            var batchLibrary = Guid.Empty;
            var batch = await WriteRun.MeasureAsync("3 ours", "AppendBatch of 1000, 1 producer", _entries.Length, async curve =>
            {
                (_, batchLibrary) = await ours.AppendBatchesAsync(_entries, 1000, curve);
                return ours.PathOf(batchLibrary);
            });
            _runs.Add(batch with { Writer = ours.WriterStatsOf(batchLibrary) });
        }

        if (options.RunsScenario(BenchOptions.ScenarioKey(16, 64)) && options.RunsScenario(BenchOptions.BatchScenario))
            await EarlyRatesAsync(ours);
    }

    // The issue-11 target for the first 100k rows, judged on ratios within rounds rather than on the start of one long run.
    private async Task EarlyRatesAsync(ActorAppendBench ours)
    {
        var rows = Whole(_entries[..Math.Min(_entries.Length, 100_000)], 16);
        var early = await EarlyRatesBench.RunAsync(ours, options.WorkDir, rows, options.Rounds);
        var size = $"{rows.Length:N0} rows into an empty file";
        var runs = $"median of {options.Rounds}";
        _results.Add(new("3 ours early", "raw SQLite insert, 1000 rows/tx, first rows", early.Raw.Median, "rows/s",
            Note: $"{size}; {runs}, {early.Raw.Min:N0}-{early.Raw.Max:N0}; each ratio below is the median of the rounds' own ratios to raw"));
        foreach (var (name, rate, note) in new[]
                 {
                     ("Append, 16 producers x 64 in flight, first rows", early.Pipelined, $"{size}; target >= 0.9x raw"),
                     ("AppendBatch of 1000, 1 producer, first rows", early.Batched, size),
                     ("Append, 16 x 64, writer that stores nothing", early.PathAlone,
                         $"the actor path alone: {early.PathCpuMicrosPerAppend:N1} us of CPU per append, whole process"),
                     ("Append, 16 x 64, writer that spins raw's time per row", early.AsFastAsRaw,
                         "a writer exactly as fast as raw that stores nothing: what the actor path leaves of raw's rate"),
                 })
        {
            _results.Add(new("3 ours early", name, rate.Rates.Median, "rows/s",
                Note: $"{note}; {runs}, {rate.Rates.Min:N0}-{rate.Rates.Max:N0}", Ratio: rate.RatioToRaw));
        }
    }

    // One results-table row per write run: its overall rate, and its ratio to the raw baseline over the same rows.
    private void WriteRowsFromRuns()
    {
        var raw = ResultTable.RawOf(_runs)!;
        var rows = _runs.Where(r => r.Section is "1 raw limit" or "3 ours").Select(run =>
        {
            var (lateFrom, lateTo) = ResultTable.LateWindow(run.Rows);
            // A stretch inside one acknowledgement (a batch in a --quick run) has no rate of its own.
            var lateRate = run.Curve.Rate(lateFrom, lateTo);
            var note = $"table 0 -> {run.Rows:N0} rows; {lateFrom / 1000:N0}k-{lateTo / 1000:N0}k " +
                (double.IsFinite(lateRate) ? $"{lateRate:N0}/s" : "inside one acknowledgement");
            if (run == raw)
                return new BenchResult(run.Section, run.Name, run.Curve.Overall, "rows/s", Note: note + "; best of 2 runs, before and after section 3");
            var ratio = run.Curve.Overall / raw.Curve.Rate(0, run.Rows);
            if (_peer is not null && run.Section == "3 ours" && _peer.Rows == run.Rows)
                note += $"; vs tuned peer {run.Curve.Overall / _peer.Curve.Overall:N2}x";
            return new BenchResult(run.Section, run.Name, run.Curve.Overall, "rows/s", Note: note, Ratio: ratio);
        }).ToList();
        _results.InsertRange(0, rows.Where(r => r.Section == "1 raw limit"));
        var firstOurs = _results.FindIndex(r => string.CompareOrdinal(r.Section, "3 ours") > 0);
        _results.InsertRange(firstOurs < 0 ? _results.Count : firstOurs, rows.Where(r => r.Section == "3 ours"));
        // The peer rows compare with raw over the same rows too.
        for (var i = 0; i < _results.Count; i++)
        {
            if (_results[i].Section != "2 peer")
                continue;
            var run = _runs.First(r => r.Name == _results[i].Name);
            _results[i] = _results[i] with { Baseline = null, Ratio = run.Curve.Overall / raw.Curve.Rate(0, run.Rows) };
        }
    }

    private async Task FetchAsync(ActorAppendBench ours)
    {
        progress("4. fetch");
        var library = _pipelinedLibrary ?? (await ours.AppendAsync(_entries, 16, 64)).Library;
        var path = ours.PathOf(library);
        // Alternate the two twice and keep each one's best, so neither gains from the other warming the page cache.
        double raw = 0, actor = 0;
        for (var round = 0; round < 2; round++)
        {
            raw = Math.Max(raw, RawSqliteBench.ReadPages(path, 1000));
            actor = Math.Max(actor, await ours.FetchAllAsync(library, 1000));
        }

        _results.Add(new("4 fetch", RawRead, raw, "rows/s", Note: $"{options.Rows:N0}-row table"));
        _results.Add(new("4 fetch", "FetchSince through the actor, 1000-row pages (best of 2)", actor, "rows/s", RawRead));
    }

    private async Task LatencyAsync(ActorAppendBench ours)
    {
        progress("5. latency");
        var single = await ours.AppendAsync(_entries[..Math.Min(options.LatencySamples, _entries.Length)], 1, 1);
        var loaded = await ours.AppendAsync(_entries[..options.ClosedLoopRows], 16, 1);
        foreach (var (label, run) in new[] { ("single Append, 1 producer", single.Latency), ("Append under 16 producers", loaded.Latency) })
        {
            foreach (var percentile in new[] { 50, 99, 99.9 })
            {
                var target = (label.StartsWith("single", StringComparison.Ordinal), percentile) switch
                {
                    (true, 50) => "target < 0.5 ms",
                    (true, 99) => "target < 2 ms",
                    _ => "",
                };
                _results.Add(new("5 latency", $"{label}: p{percentile}", Producers.Millis(run, percentile), "ms", Note: target));
            }
        }
    }

    private async Task ManyLibrariesAsync()
    {
        progress("6. many libraries");
        var many = await ManyLibrariesBench.RunAsync(Path.Combine(options.WorkDir, "many"), options.Libraries, appendsEach: 10,
            options.PassivateAfterSeconds);
        _results.Add(new("6 many libraries", $"{many.Libraries} libraries opened + 10 appends each",
            many.Libraries / many.OpenAndAppend.TotalSeconds, "libraries/s", Note: $"in {many.OpenAndAppend.TotalSeconds:N1} s"));
        _results.Add(new("6 many libraries", "working set: before / all open / passivated", many.WorkingSetPeakMiB, "MiB",
            Note: $"{many.WorkingSetBeforeMiB:N0} / {many.WorkingSetPeakMiB:N0} / {many.WorkingSetAfterMiB:N0} MiB"));
        _results.Add(new("6 many libraries", "live managed heap: before / all open / passivated", many.ManagedPeakMiB, "MiB",
            Note: $"{many.ManagedBeforeMiB:N0} / {many.ManagedPeakMiB:N0} / {many.ManagedAfterMiB:N0} MiB"));
        _results.Add(new("6 many libraries", "open file handles: before / all open / passivated", many.HandlesPeak, "handles",
            Note: $"{many.HandlesBefore} / {many.HandlesPeak} / {many.HandlesAfter} (sampled {many.PassivatedWithin.TotalSeconds:N0} s after the last append; passivate-after {options.PassivateAfterSeconds}s)"));
    }

    private async Task CatchUpAsync()
    {
        progress("11. follower catch-up across processes");
        var rows = _entries[..Math.Min(_entries.Length, 100_000)];
        // One transaction per pushed page (max-replicate-rows 1000, as before coalescing), then the default of 10,000
        // at prefetch-pages 2, 8 (the default) and 16 (the most allowed).
        CatchUpSetup[] setups = [new(2, 1000), new(2, 10_000), new(8, 10_000), new(16, 10_000)];
        var report = await CatchUpBench.RunAsync(Path.Combine(options.WorkDir, "catch-up"), rows, setups, options.Rounds);
        var runs = $"median of {options.Rounds}";
        _results.Add(new("11 catch-up", "raw SQLite insert, 1000 rows/tx, between the catch-ups", report.Raw.Median, "rows/s",
            Note: $"{rows.Length:N0} rows into an empty file; {runs}, {report.Raw.Min:N0}-{report.Raw.Max:N0}; the ratios below are over it"));
        for (var i = 0; i < setups.Length; i++)
        {
            var (prefetch, most) = (setups[i].PrefetchPages, setups[i].MaxReplicateRows);
            var result = report.Setups[i];
            _results.Add(new("11 catch-up", $"empty follower catches up over Akka.Remote, prefetch-pages {prefetch}, max-replicate-rows {most:N0}",
                result.Rate.Median, "rows/s", Note:
                $"{rows.Length:N0} entries, pages of 1000, loopback, 2 processes; {runs}, {result.Rate.Min:N0}-{result.Rate.Max:N0}; CPU us/row follower {result.FollowerCpuMicrosPerRow:N1}, leader {result.LeaderCpuMicrosPerRow:N1}; target >= 0.8x raw",
                Ratio: result.Rate.Median / report.Raw.Median));
        }
    }

    private async Task SubscriptionsAsync()
    {
        progress("10. live subscriptions");
        var rows = _entries[..Math.Min(options.LatencySamples, _entries.Length)];
        var load = $"{SubscriptionBench.Producers} producers awaiting each append, {rows.Length:N0} entries";
        var runs = new (string Name, Func<Task<SubscriptionBench.Latency>> Run, string Target)[]
        {
            ("ours, pushed on commit", () => SubscriptionBench.OursAsync(Path.Combine(options.WorkDir, "subscribe"), rows), "target p50 < 1 ms, p99 < 5 ms"),
            ("peer EventsByPersistenceId, defaults (1s/1s)", () => SubscriptionBench.PeerAsync(Path.Combine(options.WorkDir, "peer-query"), rows, null), ""),
            ("peer EventsByPersistenceId, 10ms/10ms", () => SubscriptionBench.PeerAsync(Path.Combine(options.WorkDir, "peer-query"), rows, TimeSpan.FromMilliseconds(10)), ""),
        };
        foreach (var (name, run, target) in runs)
        {
            var latency = await run();
            var note = $"{load}; their acks p50 {latency.AckP50:N3} ms";
            _results.Add(new("10 subscribe", $"append to subscriber, {name}: p50", latency.P50, "ms", Note: note));
            _results.Add(new("10 subscribe", $"append to subscriber, {name}: p99", latency.P99, "ms", Note: $"acks p99 {latency.AckP99:N3} ms"));
            if (latency is { CommitP50: { } commitP50, CommitP99: { } commitP99 })
            {
                _results.Add(new("10 subscribe", $"commit to subscriber, {name}: p50", commitP50, "ms", Note: $"{target} (issue 10: commit to subscriber); from the transaction's commit"));
                _results.Add(new("10 subscribe", $"commit to subscriber, {name}: p99", commitP99, "ms", Note: "from the transaction's commit"));
            }
        }

        var idle = TimeSpan.FromSeconds(options.IdleSeconds);
        var idleNote = $"process CPU ms per second over {idle.TotalSeconds:N0} s idle, {SubscriptionBench.IdleSubscribers} subscribers of one library";
        _results.Add(new("10 subscribe", "idle CPU, ours, no subscribers (baseline)",
            await SubscriptionBench.OursIdleCpuAsync(Path.Combine(options.WorkDir, "subscribe-idle-0"), idle, subscribers: 0), "ms", Note: "same process, same host shape"));
        _results.Add(new("10 subscribe", "idle CPU, ours", await SubscriptionBench.OursIdleCpuAsync(Path.Combine(options.WorkDir, "subscribe-idle"), idle), "ms", Note: idleNote));
        _results.Add(new("10 subscribe", "idle CPU, peer defaults (1s/1s)",
            await SubscriptionBench.PeerIdleCpuAsync(Path.Combine(options.WorkDir, "peer-query"), idle, null), "ms", Note: idleNote));
        _results.Add(new("10 subscribe", "idle CPU, peer 10ms/10ms",
            await SubscriptionBench.PeerIdleCpuAsync(Path.Combine(options.WorkDir, "peer-query"), idle, TimeSpan.FromMilliseconds(10)), "ms", Note: idleNote));
    }

    private async Task LatestAsync(ActorAppendBench ours)
    {
        progress("7. GetLatestSequence");
        var library = await ours.NewLibraryAsync();
        // A library without its file answers LibraryNotFound to reads: open it, as an app would.
        if (await ours.Host.AskAsync(new OpenLibrary(library)) is not LibraryOpened)
            throw new InvalidOperationException("could not open the bench library");
        var latest = await ours.LatestSequenceAsync(library, options.LatestQueries, producers: 8, window: 500);
        _results.Add(new("7 latest", "GetLatestSequence, 8 producers x 500 in flight", latest, "answers/s", Note: "target >= 200,000/s"));
    }

    private async Task LibrariesInTurnAsync()
    {
        progress("8. libraries in turn");
        var turn = await LibrariesInTurnBench.RunAsync(Path.Combine(options.WorkDir, "in-turn"), options.LibrariesInTurn);
        foreach (var result in turn)
            _results.Add(result);
    }

    private async Task ReadsAtSizeAsync()
    {
        progress("9. reads at size");
        foreach (var result in await ReadsAtSizeBench.RunAsync(_rawLog.Path, _rawLog.Library, _entries))
            _results.Add(result);
    }
}
