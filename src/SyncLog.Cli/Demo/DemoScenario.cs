using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using Spectre.Console;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Demo;

/// <summary>
/// The README's main job: one library synced between devices. The laptop leads, several producers append a realistic
/// mix of changes, the phone and desktop follow with FetchSince/Replicate, and a NAS, a separate <c>synclog follow</c>
/// process, mirrors the library over Akka.Remote from the served laptop and phone. The laptop crashes, the phone is
/// elected and continues the sequence, the NAS finds it; a retention vacuum runs, a tablet joins after it (resyncing
/// past the vacuumed entries), and at the end everything, the NAS's file included, is verified.
/// </summary>
internal sealed class DemoScenario(string dataDir, Config baseOverrides, Action<string> say)
{
    private const int ImportedHistory = 300;
    private const int ProducersBeforeHandover = 4, AppendsPerProducerBefore = 250;
    private const int ProducersAfterHandover = 3, AppendsPerProducerAfter = 200;
    private const int InFlightPerProducer = 16;
    private const string Nas = "nas";

    // Generous: the NAS is another process on a machine that may be busy; a deadline missed is a failed check, not a hang.
    private static readonly TimeSpan NasPatience = TimeSpan.FromSeconds(90);

    private readonly Guid _library = Guid.NewGuid();
    private readonly Dictionary<long, NewSyncLogEntry> _acknowledged = [];
    private readonly List<DemoCheck> _checks = [];
    private readonly Lock _saying = new();

    // Ctrl-C: every ask and wait gives up, and no device starts, so the scenario unwinds (stopping its hosts and the NAS).
    private CancellationToken _stop;

    /// <summary>
    /// Runs the scenario; returns the checks, all of which pass when the log behaved. Cancelled by <paramref name="stop"/>,
    /// it stops its hosts and the NAS process before it ends, so nothing writes the data dir after it.
    /// </summary>
    public async Task<IReadOnlyList<DemoCheck>> RunAsync(CancellationToken stop)
    {
        _stop = stop;
        var clock = Stopwatch.StartNew();
        // The laptop and the phone are served over Akka.Remote on loopback, so the NAS process can follow them.
        var laptop = StartDevice("laptop", dataDir, served: true);
        var crashed = false;
        try
        {
            Say($"library [bold]{_library}[/] in {dataDir}");
            await using var phone = StartDevice("phone", Path.Combine(dataDir, "demo-devices", "phone"), served: true);
            await using var desktop = StartDevice("desktop", Path.Combine(dataDir, "demo-devices", "desktop"));
            var laptopGateway = SyncLogRemoting.GatewayAddress(laptop.System);
            var phoneGateway = SyncLogRemoting.GatewayAddress(phone.System);

            await ElectAsync([laptop, phone, desktop], "laptop", term: 1);
            using var nas = StartNas(laptopGateway, phoneGateway);
            var history = Enumerable.Range(0, ImportedHistory).Select(i => new DemoPayloads(i).Entry("laptop",
                DateTimeOffset.UtcNow.AddDays(-45).AddMinutes(i), Guid.NewGuid().ToString(), ChangeType.Insert)).ToList();
            history[0] = DemoPayloads.BulkImport("laptop", DateTimeOffset.UtcNow.AddDays(-45), Guid.NewGuid().ToString(), ImportedHistory - 1);
            Record(Replies.Expect<BatchAppended>(await AskAsync(laptop, new AppendBatch(_library, history))).Sequences, history);
            Say($"laptop imported {ImportedHistory} entries of 45-day-old history as one batch");
            var nasOnLaptop = await nas.WaitForAsync(e => Is(e, "connected") && Text(e, "leader") == laptopGateway, NasPatience, _stop);
            Check("nas (separate process) connected to the laptop over the network", nasOnLaptop,
                nasOnLaptop ? laptopGateway : $"no 'connected' event from the nas within {NasPatience.TotalSeconds:N0} s; {nas.Stderr}");

            await ProduceWhileFollowingAsync(laptop, ["laptop", "phone", "desktop", "tablet"], ProducersBeforeHandover,
                AppendsPerProducerBefore, [phone, desktop]);
            var latestBeforeHandover = await LatestAsync(laptop);
            Say($"{ProducersBeforeHandover} producers appended {ProducersBeforeHandover * AppendsPerProducerBefore} changes to the laptop; phone and desktop caught up to {latestBeforeHandover}");

            // Fail-over: the laptop's host and remoting stop with no handover, once the phone and desktop hold everything it
            // acknowledged (replication is asynchronous: what they lacked would be lost with it); the NAS loses its leader.
            crashed = true;
            await CrashAsync(laptop);
            Say("[bold]the laptop crashes[/]: its network goes first, then its host, without a handover");
            await ElectAsync([phone, desktop], "phone", term: 2);
            laptop = StartDevice("laptop", dataDir);
            crashed = false;
            Replies.Expect<LeadershipAck>(await AskAsync(laptop, new LeadershipChanged(_library, "phone", 2)));
            Say("the laptop comes back (no longer served) and learns that the phone leads at term 2");
            var refused = await AskAsync(laptop, new Append(_library, new DemoPayloads(1).Next("laptop", DateTimeOffset.UtcNow)));
            Check("the deposed laptop refuses appends", refused is NotLeader { LeaderDeviceId: "phone", Term: 2 }, Replies.Describe(refused));

            var firstOnPhone = _acknowledged.Count;
            await ProduceWhileFollowingAsync(phone, ["phone", "desktop", "laptop"], ProducersAfterHandover, AppendsPerProducerAfter,
                [laptop, desktop]);
            var continued = _acknowledged.Keys.Where(s => s > latestBeforeHandover).DefaultIfEmpty(0).Min();
            Check("the new leader continues the sequence", continued == latestBeforeHandover + 1 && _acknowledged.Count > firstOnPhone,
                $"first sequence on the phone {continued}, laptop's last {latestBeforeHandover}");
            Say($"{ProducersAfterHandover} producers appended {ProducersAfterHandover * AppendsPerProducerAfter} changes to the phone; laptop and desktop followed");
            await FinishNasAsync(nas, phone, laptopGateway, phoneGateway);

            SyncLogHost[] everyone = [laptop, phone, desktop];
            var cutoff = DateTimeOffset.UtcNow - SyncLogDbOptions.DefaultRetention;
            foreach (var host in everyone)
            {
                var removed = Replies.Expect<Vacuumed>(await AskAsync(host, new VacuumOldEntries(_library, cutoff))).Removed;
                Check($"{host.Settings.DeviceId}: vacuum removed the expired history prefix", removed == ImportedHistory, $"removed {removed}");
            }

            var behind = Replies.Expect<Fetched>(await AskAsync(desktop, new FetchSince(_library, 0, 100))).Result;
            Check("a follower asking for vacuumed entries is told to resync", behind.IsTruncated && behind.Entries.Count == 0,
                $"truncated={behind.IsTruncated}, vacuumed through {behind.VacuumedThroughSequence}");

            // A new device joins after the vacuum: the phone's log no longer starts at 1, so the tablet resyncs first.
            await using var tablet = StartDevice("tablet", Path.Combine(dataDir, "demo-devices", "tablet"));
            Replies.Expect<LeadershipAck>(await AskAsync(tablet, new LeadershipChanged(_library, "phone", 2)));
            await CatchUpAsync(phone, tablet);
            Say($"tablet joined after the vacuum: resynced from sequence {behind.VacuumedThroughSequence} and caught up to {await LatestAsync(tablet)}");

            var phoneLog = await VerifyAsync([.. everyone, tablet]);
            await VerifyNasAsync(phoneLog);
            Say($"finished in {clock.Elapsed.TotalSeconds:N1} s");
            return _checks;
        }
        finally
        {
            if (!crashed)
                await laptop.DisposeAsync();
        }
    }

    // As close to a crash as one process allows: remoting shuts down first, so the NAS hears nothing more from the
    // laptop (no SubscriptionEnded as the library stops), then the host stops and releases its data dir to come back.
    private static async Task CrashAsync(SyncLogHost host)
    {
        await ((RemoteActorRefProvider)((ExtendedActorSystem)host.System).Provider).Transport.Shutdown();
        await host.DisposeAsync();
    }

    // The NAS: 'synclog follow' in its own process and data dir, with both served hosts as candidate leaders. A crashed
    // leader says nothing, so the heartbeat notices it: every second, and the backoff capped at 1 s, so that the NAS
    // finds the new leader within seconds of the crash.
    private FollowerProcess StartNas(string laptopGateway, string phoneGateway)
    {
        _stop.ThrowIfCancellationRequested();
        var devices = Path.Combine(dataDir, "demo-devices");
        Directory.CreateDirectory(devices);
        var config = Path.Combine(devices, "nas-follow.conf");
        File.WriteAllText(config, """
            # Written by synclog demo for its nas follower process.
            synclog.follower.backoff-max = 1s
            synclog.follower.ask-timeout = 3s
            synclog.follower.heartbeat-interval = 1s
            """);
        var nas = FollowerProcess.Start(
            ["follow", "--data-dir", NasDir, "--host-device", Nas, "--config", config, "--library", _library.ToString(),
                "--leader", laptopGateway, "--leader", phoneGateway, "--json"],
            e => Say($"[grey]nas process: {Markup.Escape(Describe(e))}[/]"));
        Say($"nas: a separate [bold]synclog follow[/] process mirrors the library into {Markup.Escape(NasDir)} over Akka.Remote, with the laptop and the phone as candidate leaders");
        return nas;
    }

    private string NasDir => Path.Combine(dataDir, "demo-devices", Nas);

    // After the fail-over: the NAS found the phone at term 2 and caught up to its latest; then it is stopped as a user
    // would (Ctrl-C), and its file is checked once nothing writes it.
    private async Task FinishNasAsync(FollowerProcess nas, SyncLogHost phone, string laptopGateway, string phoneGateway)
    {
        var latest = await LatestAsync(phone);
        var caughtUp = await nas.WaitForAsync(e =>
            (Is(e, "progress") && Number(e, "local_latest_sequence") >= latest && Text(e, "state") == "following")
            || (Is(e, "caught-up") && Number(e, "sequence") >= latest), NasPatience, _stop);
        var events = nas.Events;
        var onLaptop = events.ToList().FindIndex(e => Is(e, "connected") && Text(e, "leader") == laptopGateway && Number(e, "leader_term") == 1);
        var onPhone = events.ToList().FindLastIndex(e => Is(e, "connected") && Text(e, "leader") == phoneGateway && Number(e, "leader_term") == 2);
        var reconnects = events.Count(e => Is(e, "reconnecting"));
        Check("nas followed the new leader after fail-over", onLaptop >= 0 && onPhone > onLaptop,
            onPhone > onLaptop && onLaptop >= 0
                ? $"connected to the laptop at term 1, lost it ({reconnects} reconnect attempt{(reconnects == 1 ? "" : "s")}), then to the phone at term 2"
                : $"connected to the laptop at term 1: {onLaptop >= 0}, to the phone at term 2 after it: {onPhone > onLaptop}; {nas.Stderr}");
        Check($"nas caught up to the phone's latest sequence {latest} over the network", caughtUp,
            caughtUp ? "reported by the nas process" : $"not within {NasPatience.TotalSeconds:N0} s; {nas.Stderr}");
        var exit = await nas.StopAsync();
        Say(exit is { } code
            ? $"nas process stopped with Ctrl-C, exit code {code}"
            : "nas process killed (it did not stop on Ctrl-C); what it replicated is durable");
    }

    // The NAS's file, read once its process is gone: all of 1..N (it never vacuumed), each entry the acknowledged one,
    // and after the phone's vacuum floor entry by entry the phone's.
    private async Task VerifyNasAsync(List<SyncLogEntry> phoneLog)
    {
        await using var reader = SyncLogHost.Start(ConfigurationFactory.ParseString("synclog.read-only = on")
            .WithFallback(DeviceConfig(Nas, NasDir)), Nas);
        var (floor, latest, entries) = await ReadAllAsync(reader);
        var total = _acknowledged.Count;
        const string Label = "nas (separate process, over the network)";
        Check($"{Label}: latest sequence is {total}", latest == total, $"latest {latest}");
        Check($"{Label}: entries {floor + 1}..{latest} are all there, once, in order",
            entries.Select(e => e.Sequence).SequenceEqual(Enumerable.Range((int)floor + 1, (int)(latest - floor)).Select(i => (long)i)),
            $"{entries.Count} entries after vacuum floor {floor}");
        Check($"{Label}: every entry is the one that was acknowledged at its sequence",
            entries.Count > 0 && entries.All(e => _acknowledged.TryGetValue(e.Sequence, out var sent) && Matches(e, sent)),
            "payload, device, model, record, change and version compared");
        var phoneFloor = phoneLog.Count == 0 ? 0 : phoneLog[0].Sequence - 1;
        Check($"{Label}: identical to the phone's log",
            entries.Where(e => e.Sequence > phoneFloor).Select(e => e with { Id = 0 }).SequenceEqual(phoneLog.Select(e => e with { Id = 0 })),
            $"entry by entry after the phone's vacuum floor {phoneFloor}, checksums included; the nas keeps 1..{phoneFloor} too");
    }

    // A served device listens on a free loopback port with its gateway, serving no writes to peers; in this process
    // it appends as any leader does (serve's refuse-writes is for the host of 'synclog serve', not for this one).
    private SyncLogHost StartDevice(string device, string dir, bool served = false)
    {
        _stop.ThrowIfCancellationRequested();
        var config = DeviceConfig(device, dir);
        if (served)
        {
            config = ConfigurationFactory.ParseString("synclog.refuse-writes = off")
                .WithFallback(SyncLogRemoting.Server(SyncLogRemoting.Loopback, port: 0, publicHost: null, tls: false, allowWrites: false))
                .WithFallback(config);
        }

        var host = SyncLogHost.Start(config, device);
        if (served)
            host.StartGateway();
        return host;
    }

    private Config DeviceConfig(string device, string dir) => ConfigurationFactory.ParseString($"""
        synclog.data-dir = {SyncLogConfig.Quote(dir)}
        synclog.data-dir-env = ""
        synclog.device-id = {device}
        """).WithFallback(baseOverrides);

    private async Task ElectAsync(SyncLogHost[] hosts, string leader, long term)
    {
        foreach (var host in hosts)
            Replies.Expect<LeadershipAck>(await AskAsync(host, new LeadershipChanged(_library, leader, term)));
        Say($"election: [bold]{leader}[/] leads from term {term}");
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
        var local = Replies.Expect<LibraryOpened>(await AskAsync(follower, new OpenLibrary(_library))).LatestSequence;
        // Pages carry the term of the leader that served them, so a follower refuses pages of a deposed leader.
        var leaderTerm = Replies.Expect<Leadership>(await AskAsync(leader, new GetLeadership(_library))).Term;
        while (true)
        {
            var page = Replies.Expect<Fetched>(await AskAsync(leader, new FetchSince(_library, local, 1000))).Result;
            if (page.IsTruncated)
            {
                // What it asked for was vacuumed: a real follower rebuilds its state from the leader's library
                // database (outside the log), then restarts its log at the leader's floor.
                local = Replies.Expect<Resynced>(await AskAsync(follower, new ResyncFrom(_library, page.VacuumedThroughSequence))).LatestSequence;
                continue;
            }

            if (page.Entries.Count == 0)
                return;
            local = Replies.Expect<Replicated>(await AskAsync(follower, new Replicate(_library, page.Entries, leaderTerm))).LatestSequence;
            if (!page.HasMore)
                return;
        }
    }

    // Returns the phone's log, the leader's, for the NAS's comparison.
    private async Task<List<SyncLogEntry>> VerifyAsync(SyncLogHost[] hosts)
    {
        var total = _acknowledged.Count;
        Check("every acknowledged sequence is unique and they are exactly 1..N",
            _acknowledged.Keys.Order().SequenceEqual(Enumerable.Range(1, total).Select(i => (long)i)),
            $"{total} acknowledged appends");

        List<SyncLogEntry>? reference = null;
        var phone = new List<SyncLogEntry>();
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
            if (device == "phone")
                phone = entries;
            if (reference is null)
                reference = entries;
            else
                Check($"{device}: identical to the laptop's log", entries.Select(e => e with { Id = 0 }).SequenceEqual(reference.Select(e => e with { Id = 0 })),
                    "entry by entry");
        }

        return phone;
    }

    private async Task<(long Floor, long Latest, List<SyncLogEntry> Entries)> ReadAllAsync(SyncLogHost host)
    {
        var first = Replies.Expect<Fetched>(await AskAsync(host, new FetchSince(_library, 0, 1))).Result;
        var floor = first.IsTruncated ? first.VacuumedThroughSequence : 0;
        var entries = new List<SyncLogEntry>();
        var cursor = floor;
        while (true)
        {
            var page = Replies.Expect<Fetched>(await AskAsync(host, new FetchSince(_library, cursor, 1000))).Result;
            entries.AddRange(page.Entries);
            if (!page.HasMore)
                return (floor, page.LatestSequence, entries);
            cursor = page.Entries[^1].Sequence;
        }
    }

    private Task<object> AskAsync(SyncLogHost host, ILibraryRequest request) => host.AskAsync(request, ct: _stop);

    private async Task<long> LatestAsync(SyncLogHost host) =>
        Replies.Expect<LatestSequence>(await AskAsync(host, new GetLatestSequence(_library))).Sequence;

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

    // The NAS's events arrive on another thread: one line at a time.
    private void Say(string line)
    {
        lock (_saying)
            say(line);
    }

    private static bool Is(JsonElement e, string name) => Text(e, "event") == name;

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    // One NAS event as a line of the demo's output.
    private static string Describe(JsonElement e) => Text(e, "event") switch
    {
        "following-leader" => $"follows {Text(e, "leader")}, which leads at term {Number(e, "leader_term")}",
        "connected" => $"connected to {Text(e, "leader")} at term {Number(e, "leader_term")}, following after {Number(e, "after_sequence")} (leader latest {Number(e, "leader_latest_sequence")})",
        "progress" => $"local latest {Number(e, "local_latest_sequence")}, leader latest {Number(e, "leader_latest_sequence")?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, {Text(e, "state")}",
        "caught-up" => $"caught up at {Number(e, "sequence")}",
        "lagging" => $"lagging: local latest {Number(e, "local_latest_sequence")}, leader latest {Number(e, "leader_latest_sequence")}",
        "reconnecting" => $"reconnecting (attempt {Number(e, "attempt")}) in {Number(e, "delay_ms")} ms: {Text(e, "reason")}",
        _ => e.GetRawText(),
    };
}

/// <summary>One verified claim of the demo, with what was observed.</summary>
internal sealed record DemoCheck(string What, bool Passed, string Detail);
