using System.Diagnostics;
using Akka.Configuration;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Demo;

/// <summary>
/// The README's main job: one library synced between three devices. The laptop leads, several producers append a
/// realistic mix of changes, the phone and desktop follow with FetchSince/Replicate, leadership hands over to the phone
/// mid-run and it continues the sequence, a retention vacuum runs, a tablet joins after it (resyncing past the vacuumed
/// entries), and at the end everything is verified.
/// </summary>
internal sealed class DemoScenario(string dataDir, Config baseOverrides, Action<string> say)
{
    private const int ImportedHistory = 300;
    private const int ProducersBeforeHandover = 4, AppendsPerProducerBefore = 250;
    private const int ProducersAfterHandover = 3, AppendsPerProducerAfter = 200;
    private const int InFlightPerProducer = 16;

    private readonly Guid _library = Guid.NewGuid();
    private readonly Dictionary<long, NewSyncLogEntry> _acknowledged = [];
    private readonly List<DemoCheck> _checks = [];

    /// <summary>Runs the scenario; returns the checks, all of which pass when the log behaved.</summary>
    public async Task<IReadOnlyList<DemoCheck>> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        await using var laptop = StartDevice("laptop", dataDir);
        say($"library [bold]{_library}[/] in {dataDir}");
        await using var phone = StartDevice("phone", Path.Combine(dataDir, "demo-devices", "phone"));
        await using var desktop = StartDevice("desktop", Path.Combine(dataDir, "demo-devices", "desktop"));
        SyncLogHost[] everyone = [laptop, phone, desktop];

        await ElectAsync(everyone, "laptop", term: 1);
        var history = Enumerable.Range(0, ImportedHistory).Select(i => new DemoPayloads(i).Entry("laptop",
            DateTimeOffset.UtcNow.AddDays(-45).AddMinutes(i), Guid.NewGuid().ToString(), ChangeType.Insert)).ToList();
        history[0] = DemoPayloads.BulkImport("laptop", DateTimeOffset.UtcNow.AddDays(-45), Guid.NewGuid().ToString(), ImportedHistory - 1);
        Record(Replies.Expect<BatchAppended>(await laptop.AskAsync(new AppendBatch(_library, history))).Sequences, history);
        say($"laptop imported {ImportedHistory} entries of 45-day-old history as one batch");

        await ProduceWhileFollowingAsync(laptop, ["laptop", "phone", "desktop", "tablet"], ProducersBeforeHandover,
            AppendsPerProducerBefore, [phone, desktop]);
        var latestBeforeHandover = await LatestAsync(laptop);
        say($"{ProducersBeforeHandover} producers appended {ProducersBeforeHandover * AppendsPerProducerBefore} changes to the laptop; phone and desktop caught up to {latestBeforeHandover}");

        await ElectAsync(everyone, "phone", term: 2);
        var refused = await laptop.AskAsync(new Append(_library, new DemoPayloads(1).Next("laptop", DateTimeOffset.UtcNow)));
        Check("the deposed laptop refuses appends", refused is NotLeader { LeaderDeviceId: "phone", Term: 2 }, Replies.Describe(refused));

        var firstOnPhone = _acknowledged.Count;
        await ProduceWhileFollowingAsync(phone, ["phone", "desktop", "laptop"], ProducersAfterHandover, AppendsPerProducerAfter,
            [laptop, desktop]);
        var continued = _acknowledged.Keys.Where(s => s > latestBeforeHandover).DefaultIfEmpty(0).Min();
        Check("the new leader continues the sequence", continued == latestBeforeHandover + 1 && _acknowledged.Count > firstOnPhone,
            $"first sequence on the phone {continued}, laptop's last {latestBeforeHandover}");
        say($"{ProducersAfterHandover} producers appended {ProducersAfterHandover * AppendsPerProducerAfter} changes to the phone; laptop and desktop followed");

        var cutoff = DateTimeOffset.UtcNow - SyncLogDbOptions.DefaultRetention;
        foreach (var host in everyone)
        {
            var removed = Replies.Expect<Vacuumed>(await host.AskAsync(new VacuumOldEntries(_library, cutoff))).Removed;
            Check($"{host.Settings.DeviceId}: vacuum removed the expired history prefix", removed == ImportedHistory, $"removed {removed}");
        }

        var behind = Replies.Expect<Fetched>(await desktop.AskAsync(new FetchSince(_library, 0, 100))).Result;
        Check("a follower asking for vacuumed entries is told to resync", behind.IsTruncated && behind.Entries.Count == 0,
            $"truncated={behind.IsTruncated}, vacuumed through {behind.VacuumedThroughSequence}");

        // A new device joins after the vacuum: the phone's log no longer starts at 1, so the tablet resyncs first.
        await using var tablet = StartDevice("tablet", Path.Combine(dataDir, "demo-devices", "tablet"));
        Replies.Expect<LeadershipAck>(await tablet.AskAsync(new LeadershipChanged(_library, "phone", 2)));
        await CatchUpAsync(phone, tablet);
        say($"tablet joined after the vacuum: resynced from sequence {behind.VacuumedThroughSequence} and caught up to {await LatestAsync(tablet)}");

        await VerifyAsync([.. everyone, tablet]);
        say($"finished in {clock.Elapsed.TotalSeconds:N1} s");
        return _checks;
    }

    private SyncLogHost StartDevice(string device, string dir) =>
        SyncLogHost.Start(ConfigurationFactory.ParseString($"""
            synclog.data-dir = {SyncLogConfig.Quote(dir)}
            synclog.data-dir-env = ""
            synclog.device-id = {device}
            """).WithFallback(baseOverrides), device);

    private async Task ElectAsync(SyncLogHost[] hosts, string leader, long term)
    {
        foreach (var host in hosts)
            Replies.Expect<LeadershipAck>(await host.AskAsync(new LeadershipChanged(_library, leader, term)));
        say($"election: [bold]{leader}[/] leads from term {term}");
    }

    private async Task ProduceWhileFollowingAsync(SyncLogHost leader, string[] devices, int producers, int perProducer,
        SyncLogHost[] followers)
    {
        using var producing = new CancellationTokenSource();
        var following = followers.Select(f => FollowAsync(leader, f, producing.Token)).ToList();
        var produced = await Task.WhenAll(Enumerable.Range(0, producers)
            .Select(p => ProduceAsync(leader, devices[p % devices.Length], perProducer, seed: p * 7919 + perProducer)));
        foreach (var (sequences, entries) in produced)
            Record(sequences, entries);
        await producing.CancelAsync();
        await Task.WhenAll(following);
    }

    private async Task<(List<long>, List<NewSyncLogEntry>)> ProduceAsync(SyncLogHost leader, string device, int count, int seed)
    {
        var payloads = new DemoPayloads(seed);
        var entries = new List<NewSyncLogEntry>(count);
        var sequences = new List<long>(count);
        while (entries.Count < count)
        {
            var wave = Enumerable.Range(0, Math.Min(InFlightPerProducer, count - entries.Count))
                .Select(_ => payloads.Next(device, DateTimeOffset.UtcNow)).ToList();
            var replies = await Task.WhenAll(wave.Select(e => leader.AskAsync(new Append(_library, e))));
            sequences.AddRange(replies.Select(r => Replies.Expect<Appended>(r).Sequence));
            entries.AddRange(wave);
        }

        return (sequences, entries);
    }

    // A follower keeps pulling pages from the leader and mirroring them until producing stops, then takes the rest.
    private async Task FollowAsync(SyncLogHost leader, SyncLogHost follower, CancellationToken producing)
    {
        while (!producing.IsCancellationRequested)
        {
            await CatchUpAsync(leader, follower);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), producing);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await CatchUpAsync(leader, follower);
    }

    private async Task CatchUpAsync(SyncLogHost leader, SyncLogHost follower)
    {
        // A follower's log file is created by an explicit open; reads never create one.
        var local = Replies.Expect<LibraryOpened>(await follower.AskAsync(new OpenLibrary(_library))).LatestSequence;
        // Pages carry the term of the leader that served them, so a follower refuses pages of a deposed leader.
        var leaderTerm = Replies.Expect<Leadership>(await leader.AskAsync(new GetLeadership(_library))).Term;
        while (true)
        {
            var page = Replies.Expect<Fetched>(await leader.AskAsync(new FetchSince(_library, local, 1000))).Result;
            if (page.IsTruncated)
            {
                // What it asked for was vacuumed: a real follower rebuilds its state from the leader's library
                // database (outside the log), then restarts its log at the leader's floor.
                local = Replies.Expect<Resynced>(await follower.AskAsync(new ResyncFrom(_library, page.VacuumedThroughSequence))).LatestSequence;
                continue;
            }

            if (page.Entries.Count == 0)
                return;
            local = Replies.Expect<Replicated>(await follower.AskAsync(new Replicate(_library, page.Entries, leaderTerm))).LatestSequence;
            if (!page.HasMore)
                return;
        }
    }

    private async Task VerifyAsync(SyncLogHost[] hosts)
    {
        var total = _acknowledged.Count;
        Check("every acknowledged sequence is unique and they are exactly 1..N",
            _acknowledged.Keys.Order().SequenceEqual(Enumerable.Range(1, total).Select(i => (long)i)),
            $"{total} acknowledged appends");

        List<SyncLogEntry>? reference = null;
        foreach (var host in hosts)
        {
            var device = host.Settings.DeviceId;
            var (floor, latest, entries) = await ReadAllAsync(host);
            Check($"{device}: latest sequence is {total}", latest == total, $"latest {latest}");
            Check($"{device}: entries {floor + 1}..{latest} are all there, once, in order",
                entries.Select(e => e.Sequence).SequenceEqual(Enumerable.Range((int)floor + 1, (int)(latest - floor)).Select(i => (long)i)),
                $"{entries.Count} entries after vacuum floor {floor}");
            Check($"{device}: every entry is the one that was acknowledged at its sequence",
                entries.All(e => Matches(e, _acknowledged[e.Sequence])), "payload, device, model, record, change and version compared");
            if (reference is null)
                reference = entries;
            else
                Check($"{device}: identical to the laptop's log", entries.Select(e => e with { Id = 0 }).SequenceEqual(reference.Select(e => e with { Id = 0 })),
                    "entry by entry");
        }
    }

    private async Task<(long Floor, long Latest, List<SyncLogEntry> Entries)> ReadAllAsync(SyncLogHost host)
    {
        var first = Replies.Expect<Fetched>(await host.AskAsync(new FetchSince(_library, 0, 1))).Result;
        var floor = first.IsTruncated ? first.VacuumedThroughSequence : 0;
        var entries = new List<SyncLogEntry>();
        var cursor = floor;
        while (true)
        {
            var page = Replies.Expect<Fetched>(await host.AskAsync(new FetchSince(_library, cursor, 1000))).Result;
            entries.AddRange(page.Entries);
            if (!page.HasMore)
                return (floor, page.LatestSequence, entries);
            cursor = page.Entries[^1].Sequence;
        }
    }

    private async Task<long> LatestAsync(SyncLogHost host) =>
        Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(_library))).Sequence;

    private void Record(IReadOnlyList<long> sequences, List<NewSyncLogEntry> entries)
    {
        for (var i = 0; i < sequences.Count; i++)
        {
            if (!_acknowledged.TryAdd(sequences[i], entries[i]))
                Check($"sequence {sequences[i]} acknowledged once", false, "acknowledged twice");
        }
    }

    private static bool Matches(SyncLogEntry stored, NewSyncLogEntry sent) =>
        stored.DeviceId == sent.DeviceId && stored.ModelType == sent.ModelType && stored.RecordId == sent.RecordId
        && stored.ChangeType == sent.ChangeType && stored.Version == sent.Version && stored.Data == sent.Data
        && stored.Timestamp.UtcTicks == sent.Timestamp.UtcTicks;

    private void Check(string what, bool passed, string detail) => _checks.Add(new DemoCheck(what, passed, detail));
}

/// <summary>One verified claim of the demo, with what was observed.</summary>
internal sealed record DemoCheck(string What, bool Passed, string Detail);
