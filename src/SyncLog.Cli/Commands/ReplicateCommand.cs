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
            if (givenTerm is { } checkedTerm)
                CommonOptions.CheckTerm(checkedTerm);
            if (sourceDir is not null)
            {
                if (sourceDir.Length == 0)
                    throw new CliUsageException("--from-data-dir must not be empty");
                return await ReplicateFromDataDirAsync(cli, parse, id, Path.GetFullPath(sourceDir), givenTerm, ct);
            }

            var input = await EntriesFile.ReadAsync(file!, "--from-file", ct);
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

            if (entries.Count == 0)
                throw new CliUsageException($"{input.Name} holds no entries; an export to replicate has at least one");

            // Checked before the host starts: into a log that does not exist yet, a file must start at sequence 1, and
            // nothing (data dir, sync-host.db, the library's folder) is created for a file that would be refused.
            var dataDir = cli.Settings(parse).DataDir;
            if (!File.Exists(SyncLogDb.PathFor(id, dataDir)))
                RefuseHole(input.Name, entries[0].Sequence, 0);

            // An export carries no term; a follower accepts a page whose term is at least the one it knows.
            return await RemovingWhatARefusalCreatedAsync(dataDir, id, wrote =>
                cli.RunAsync(parse, host => MirrorAsync(host, id, Pages(entries), cli.Json(parse), givenTerm ?? 1, wrote, ct, (input.Name, entries[0].Sequence)), ct));
        });
        return command;
    }

    private static async Task<int> ReplicateFromDataDirAsync(CliHost cli, ParseResult parse, Guid id, string sourceDir, long? givenTerm,
        CancellationToken ct)
    {
        var target = cli.Settings(parse);
        if (string.Equals(target.DataDir, sourceDir, StringComparison.Ordinal))
            throw new CliUsageException($"--from-data-dir is the data dir itself ('{sourceDir}'); name the leader's data dir");
        // Checked here, not as an unknown library: the path is the one the user typed.
        if (!Directory.Exists(sourceDir) && !File.Exists(sourceDir))
            throw new CliUsageException($"--from-data-dir '{sourceDir}' does not exist");
        if (File.Exists(sourceDir))
            throw new CliUsageException($"--from-data-dir '{sourceDir}' is a file, not a data dir");
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
        return await RemovingWhatARefusalCreatedAsync(target.DataDir, id, wrote =>
            cli.RunAsync(parse, host => MirrorAsync(host, id, since => FetchAsync(source, id, since, ct), cli.Json(parse), term, wrote, ct), ct));
    }

    /// <summary>
    /// A file that starts after the local log's end would leave a hole. An export does not carry the source's vacuum
    /// floor and checksum, so it cannot prove the source vacuumed the missing entries: refuse instead of resyncing.
    /// </summary>
    private static void RefuseHole(string name, long first, long local)
    {
        if (first > local + 1)
            throw new CliRefusedException(
                $"{name} starts at sequence {first} but the local log ends at {local}: it would leave a hole; export from sequence {local} (export --since {local}), or replicate --from-data-dir from the leader's data dir, which resyncs past what the leader vacuumed");
    }

    /// <summary>
    /// Runs <paramref name="replicate"/>; when it is refused before it wrote any entry, removes what it created (the
    /// data dir, sync-host.db, the library's folder), so a refusal writes nothing, as for every other command. Pages
    /// already mirrored, and anything after Ctrl-C (which may have been written), are kept.
    /// </summary>
    private static async Task<int> RemovingWhatARefusalCreatedAsync(string dataDir, Guid id, Func<Action, Task<int>> replicate)
    {
        var libraries = Path.Combine(dataDir, "libraries");
        var libraryDir = Path.GetDirectoryName(SyncLogDb.PathFor(id, dataDir))!;
        var hostDb = Path.Combine(dataDir, "sync-host.db");
        var created = new List<string>();
        foreach (var path in new[] { dataDir, libraries, libraryDir })
        {
            if (!Directory.Exists(path))
            {
                created.Add(path);
                break; // everything inside a folder this command creates goes with it
            }
        }

        var hostDbCreated = !File.Exists(hostDb);
        var wrote = false;
        try
        {
            return await replicate(() => wrote = true);
        }
        catch (Exception e) when ((e is CliRefusedException or CliUsageException) && !wrote && !ErrorReport.IsInterruption(e))
        {
            // The host has shut down (RunAsync disposed it), so nothing holds these files any more.
            foreach (var path in created.Where(Directory.Exists))
                Directory.Delete(path, recursive: true);
            if (hostDbCreated && !created.Contains(dataDir))
            {
                foreach (var file in new[] { hostDb, hostDb + "-wal", hostDb + "-shm", hostDb + "-journal" }.Where(File.Exists))
                    File.Delete(file);
            }

            throw;
        }
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

    private static Replicated Expect(object reply, Guid id, long leaderTerm) => reply is StaleTerm stale
        ? throw new CliRefusedException(StaleTermText(id, leaderTerm, stale.CurrentTerm, stale.CurrentLeaderDeviceId))
        : Replies.Expect<Replicated>(reply);

    // A follower is told to replicate from the current leader, never to take the lead itself.
    private static string StaleTermText(Guid id, long leaderTerm, long current, string? leader) =>
        $"term {leaderTerm} is older than term {current} that library {id} already follows{(leader is null ? "" : $" ({leader} leads)")}; replicate from the current leader with its --term (at least {current})";

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
        long leaderTerm, Action wrote, CancellationToken ct, (string Name, long First)? file = null)
    {
        // Refused before anything is written (a resync would come first): the leader itself, or a term the follower
        // already knows to be over.
        var leadership = Replies.Expect<Leadership>(await host.AskAsync(new GetLeadership(id), ct: ct));
        if (leadership.IsThisDevice)
            throw new CliRefusedException($"this device ({host.Settings.DeviceId}) leads library {id} at term {leadership.Term}; replicate mirrors into a follower's data dir");
        if (leaderTerm < leadership.Term)
            throw new CliRefusedException(StaleTermText(id, leaderTerm, leadership.Term, leadership.LeaderDeviceId));
        var local = File.Exists(SyncLogDb.PathFor(id, host.Settings.DataDir))
            ? Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(id), ct: ct)).Sequence
            : 0;
        if (file is { } f)
            RefuseHole(f.Name, f.First, local);
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
                wrote();
                continue;
            }

            if (page.Entries.Count == 0)
                break;
            var reply = await host.AskAsync(new Replicate(id, page.Entries, leaderTerm), TimeSpan.FromMinutes(5), ct);
            local = Expect(reply, id, leaderTerm).LatestSequence;
            copied += page.Entries.Count;
            wrote();
            if (!page.HasMore)
                break;
        }

        if (copied == 0 && resyncedFrom is null && local > 0)
        {
            // Nothing new, but the term must still be one this follower accepts (it may have replicated a newer term
            // than its recorded leadership): re-send the last entry both hold, which the follower judges by term first
            // and otherwise answers as a retry, writing nothing.
            var held = await fetch(local - 1);
            if (!held.IsTruncated && held.Entries is [var last, ..] && last.Sequence == local)
                Expect(await host.AskAsync(new Replicate(id, [last], leaderTerm), TimeSpan.FromMinutes(5), ct), id, leaderTerm);
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
            Console.WriteLine($"replicated {Output.Entries(copied)} into {host.Settings.DataDir}; library {id} now ends at sequence {local}" +
                              (resyncedFrom is { } r ? $" (the source had vacuumed past sequence {start}: restarted after {r})" : ""));
        }

        return ExitCodes.Ok;
    }
}
