using System.CommandLine;
using Spectre.Console;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog vacuum</c>: removes entries older than a duration (default: the configured retention); with
/// <c>--dry-run</c>, reads what it would remove through a read-only host and writes nothing.
/// </summary>
internal static class VacuumCommand
{
    private const int PageSize = 1000;

    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var olderThan = new Option<string?>("--older-than") { Description = "Remove entries older than this (1s to 36500d, e.g. 30d; default: synclog.retention)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would be removed; write nothing" };
        var command = new Command("vacuum", "Remove expired entries from a library's log") { library, olderThan, dryRun };
        command.SetAction((parse, ct) =>
        {
            var age = parse.GetValue(olderThan) is { } text ? DurationText.Parse(text, "--older-than", TimeSpan.FromSeconds(1)) : (TimeSpan?)null;
            var id = parse.GetValue(library);
            var json = cli.Json(parse);
            if (parse.GetValue(dryRun))
            {
                return cli.ReadAsync(parse, async host =>
                {
                    CliHost.RequireLibrary(host, id);
                    var before = DateTimeOffset.UtcNow - (age ?? host.Settings.Retention);
                    var (count, through) = await WouldRemoveAsync(host, id, before, ct);
                    if (json)
                        Output.WriteJson(new { library_id = id, dry_run = true, would_remove = count, through_sequence = through, before });
                    else
                        Console.WriteLine(count == 0
                            ? $"dry run: nothing is older than {Output.Time(before)}; nothing would be removed"
                            : $"dry run: would remove {count} entries older than {Output.Time(before)} (through sequence {through}); nothing was written");
                    return ExitCodes.Ok;
                });
            }

            // Vacuuming a library nobody created would create its file (and the host its data dir): refuse first.
            DataDirCheck.RequireLibrary(cli.Settings(parse).DataDir, id);
            return cli.RunAsync(parse, async host =>
            {
                var before = DateTimeOffset.UtcNow - (age ?? host.Settings.Retention);
                var request = new VacuumOldEntries(id, before);
                // Vacuum answers once, at the end; a spinner shows that a long one is still working.
                var reply = Output.IsInteractive && !json
                    ? await AnsiConsole.Status().StartAsync("vacuuming...", _ => host.AskAsync(request, TimeSpan.FromHours(1), ct))
                    : await host.AskAsync(request, TimeSpan.FromHours(1), ct);
                var removed = Replies.Expect<Vacuumed>(reply).Removed;
                if (json)
                    Output.WriteJson(new { library_id = id, removed, before });
                else
                    Console.WriteLine($"removed {removed} entries older than {Output.Time(before)}");
                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }

    // Vacuum removes only a prefix of the log (entries older than 'before' up to the first younger one): count it the same way.
    private static async Task<(long Count, long? Through)> WouldRemoveAsync(SyncLogHost host, Guid library, DateTimeOffset before,
        CancellationToken ct)
    {
        var count = 0L;
        long? through = null;
        var cursor = 0L;
        while (true)
        {
            var page = Replies.Expect<Fetched>(await host.AskAsync(new FetchSince(library, cursor, PageSize), ct: ct)).Result;
            if (page.IsTruncated)
            {
                cursor = page.VacuumedThroughSequence;
                continue;
            }

            foreach (var entry in page.Entries)
            {
                if (entry.Timestamp >= before)
                    return (count, through);
                count++;
                through = entry.Sequence;
            }

            if (!page.HasMore)
                return (count, through);
            cursor = page.Entries[^1].Sequence;
        }
    }
}
