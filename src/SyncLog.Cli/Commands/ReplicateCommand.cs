using System.CommandLine;
using Akka.Configuration;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog replicate</c>: makes the library's log in <c>--data-dir</c> a follower's mirror of a source, either an
/// export file or another data dir, the way a follower catches up: pages after the local latest sequence go to
/// <see cref="Replicate"/>; a source that vacuumed past the local log restarts it with <see cref="ResyncFrom"/>.
/// </summary>
internal static class ReplicateCommand
{
    private const int PageSize = 1000;

    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var fromFile = new Option<string?>("--from-file") { Description = "An export (JSON Lines with sequences) to mirror; - for standard input" };
        var fromDataDir = new Option<string?>("--from-data-dir") { Description = "The leader's data dir to mirror (read-only; may be in use)" };
        var term = new Option<long?>("--term")
        {
            Description = "The leader's term the source was written under (default: 1 for --from-file; with --from-data-dir, "
                          + "read from the leader's data dir, needed only while that data dir is in use)",
        };
        var command = new Command("replicate", "Mirror a library into --data-dir from an export file or another data dir, as a follower")
        {
            library, fromFile, fromDataDir, term,
        };
        command.SetAction(async (parse, ct) =>
        {
            var id = parse.GetValue(library);
            var file = parse.GetValue(fromFile);
            var sourceDir = parse.GetValue(fromDataDir);
            if ((file is null) == (sourceDir is null))
                throw new CliUsageException("replicate needs exactly one of --from-file or --from-data-dir");
            var givenTerm = parse.GetValue(term);
            if (givenTerm is < 1)
                throw new CliUsageException($"--term must be 1 or more, got {givenTerm}");
            if (sourceDir is not null)
            {
                if (sourceDir.Length == 0)
                    throw new CliUsageException("--from-data-dir must not be empty");
                return await ReplicateFromDataDirAsync(cli, parse, id, Path.GetFullPath(sourceDir), givenTerm, ct);
            }

            var input = await EntriesFile.ReadAsync(file!, ct);
            var entries = new List<SyncLogEntry>(input.Lines.Count);
            foreach (var (number, text) in input.Lines)
            {
                ct.ThrowIfCancellationRequested();
                entries.Add(EntryJson.ParseStored(text, number));
            }

            for (var i = 1; i < entries.Count; i++)
            {
                if (entries[i].Sequence != entries[i - 1].Sequence + 1)
                    throw new CliUsageException($"{input.Name} line {input.Lines[i].Number}: sequence {entries[i].Sequence} does not follow {entries[i - 1].Sequence}; an export has contiguous sequences");
            }

            // An export carries no term; a follower accepts a page whose term is at least the one it knows.
            return await cli.RunAsync(parse, host => MirrorAsync(host, id, Pages(entries), cli.Json(parse), givenTerm ?? 1, ct), ct);
        });
        return command;
    }

    private static async Task<int> ReplicateFromDataDirAsync(CliHost cli, ParseResult parse, Guid id, string sourceDir, long? givenTerm,
        CancellationToken ct)
    {
        var target = cli.Settings(parse);
        if (string.Equals(target.DataDir, sourceDir, StringComparison.Ordinal))
            throw new CliUsageException($"--from-data-dir is the data dir itself ('{sourceDir}'); name the leader's data dir");
        DataDirCheck.RequireLibrary(sourceDir, id);
        var recorded = await SourceTermAsync(sourceDir, id, ct);
        if (recorded is null && givenTerm is null)
            throw new CliRefusedException($"the leader's data dir '{sourceDir}' is in use, so its term cannot be read; pass the leader's --term");
        if (recorded is > 0 && givenTerm is { } given && given != recorded)
            throw new CliUsageException($"--term {given} differs from the term {recorded} recorded in the leader's data dir; leave --term out");
        // A source that records no leadership (term 0) is treated like an export file.
        var term = recorded is > 0 ? recorded.Value : givenTerm ?? 1;
        await using var source = SyncLogHost.Start(ConfigurationFactory.ParseString($"""
            synclog.data-dir = {SyncLogConfig.Quote(sourceDir)}
            synclog.data-dir-env = ""
            synclog.read-only = on
            akka.stdout-loglevel = OFF
            akka.loglevel = OFF
            {CliHost.NoClrShutdownHook}
            """), "synclog-cli-source");
        return await cli.RunAsync(parse, host => MirrorAsync(host, id, since => FetchAsync(source, id, since, ct), cli.Json(parse), term, ct), ct);
    }

    // The leader's term comes from the source's leadership, which only a host owning that data dir recovers.
    private static async Task<long?> SourceTermAsync(string sourceDir, Guid id, CancellationToken ct)
    {
        try
        {
            await using var owner = SyncLogHost.Start(ConfigurationFactory.ParseString($"""
                synclog.data-dir = {SyncLogConfig.Quote(sourceDir)}
                synclog.data-dir-env = ""
                akka.stdout-loglevel = OFF
                akka.loglevel = OFF
                {CliHost.NoClrShutdownHook}
                """), "synclog-cli-leadership");
            return Replies.Expect<Leadership>(await owner.AskAsync(new GetLeadership(id), ct: ct)).Term;
        }
        catch (SyncLogLockedException)
        {
            // The leader is running: its entries can still be read beside it, its term cannot (yet) be.
            return null;
        }
    }

    private static async Task<FetchResult> FetchAsync(SyncLogHost source, Guid id, long since, CancellationToken ct) =>
        Replies.Expect<Fetched>(await source.AskAsync(new FetchSince(id, since, PageSize), ct: ct)).Result;

    // An export file read as the pages a leader would serve.
    private static Func<long, Task<FetchResult>> Pages(List<SyncLogEntry> entries) => since =>
    {
        var latest = entries[^1].Sequence;
        var first = entries[0].Sequence;
        if (since < first - 1)
            return Task.FromResult(new FetchResult([], latest, IsTruncated: true, VacuumedThroughSequence: first - 1));
        var page = entries.Where(e => e.Sequence > since).Take(PageSize).ToList();
        return Task.FromResult(new FetchResult(page, latest, IsTruncated: false, VacuumedThroughSequence: first - 1));
    };

    private static async Task<int> MirrorAsync(SyncLogHost host, Guid id, Func<long, Task<FetchResult>> fetch, bool json,
        long leaderTerm, CancellationToken ct)
    {
        // Refused before anything is written (a resync would come first): the leader itself, or a term the follower
        // already knows to be over.
        var leadership = Replies.Expect<Leadership>(await host.AskAsync(new GetLeadership(id), ct: ct));
        if (leadership.IsThisDevice)
            throw new CliRefusedException($"this device ({host.Settings.DeviceId}) leads library {id} at term {leadership.Term}; replicate mirrors into a follower's data dir");
        if (leaderTerm < leadership.Term)
            throw new CliRefusedException($"term {leaderTerm} is older than library {id}'s current term {leadership.Term} ({leadership.LeaderDeviceId ?? "nobody"} leads); pass the leader's --term");
        var local = File.Exists(SyncLogDb.PathFor(id, host.Settings.DataDir))
            ? Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(id), ct: ct)).Sequence
            : 0;
        var start = local;
        var copied = 0L;
        long? resyncedFrom = null;
        while (true)
        {
            var page = await fetch(local);
            if (page.IsTruncated)
            {
                // The source vacuumed past our log: restart it after the vacuumed prefix, as a follower would.
                var resynced = Replies.Expect<Resynced>(await host.AskAsync(new ResyncFrom(id, page.VacuumedThroughSequence, page.VacuumedThroughChecksum), ct: ct));
                local = resynced.LatestSequence;
                resyncedFrom = local;
                continue;
            }

            if (page.Entries.Count == 0)
                break;
            var reply = await host.AskAsync(new Replicate(id, page.Entries, leaderTerm), TimeSpan.FromMinutes(5), ct);
            local = Replies.Expect<Replicated>(reply).LatestSequence;
            copied += page.Entries.Count;
            if (!page.HasMore)
                break;
        }

        if (json)
        {
            Output.WriteJson(new
            {
                library_id = id,
                replicated = copied,
                from_sequence = start,
                latest_sequence = local,
                resynced_from = resyncedFrom,
                leader_term = leaderTerm,
            });
        }
        else
        {
            Console.WriteLine($"replicated {copied} entries into {host.Settings.DataDir}; library {id} now ends at sequence {local}" +
                              (resyncedFrom is { } r ? $" (the source had vacuumed past sequence {start}: restarted after {r})" : ""));
        }

        return ExitCodes.Ok;
    }
}
