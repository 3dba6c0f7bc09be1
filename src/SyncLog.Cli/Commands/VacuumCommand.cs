using System.CommandLine;
using Spectre.Console;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog vacuum</c>: removes entries older than a duration (default: the configured retention) that every known
/// follower has acknowledged, and says what it kept for whom; with <c>--dry-run</c>, asks a read-only host what it would
/// remove and writes nothing.
/// </summary>
internal static class VacuumCommand
{
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
                    var plan = Replies.Expect<Vacuumed>(await host.AskAsync(new VacuumOldEntries(id, before, DryRun: true), ct: ct));
                    var latest = await LatestAsync(host, id, plan, ct);
                    if (json)
                        Output.WriteJson(new
                        {
                            library_id = id,
                            dry_run = true,
                            would_remove = plan.Removed,
                            through_sequence = plan.ThroughSequence,
                            before,
                            held_back = FollowerText.HoldJson(plan.HeldBack, latest),
                        });
                    else
                    {
                        Console.WriteLine(plan.Removed == 0
                            ? $"dry run: nothing older than {Output.Time(before)} can be removed"
                            : $"dry run: would remove {Output.Entries(plan.Removed)} older than {Output.Time(before)} (through sequence {plan.ThroughSequence}); nothing was written");
                        if (plan.HeldBack is { } hold)
                            Console.WriteLine(FollowerText.HoldLine(hold, dryRun: true));
                    }

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
                var vacuumed = Replies.Expect<Vacuumed>(reply);
                var latest = await LatestAsync(host, id, vacuumed, ct);
                if (json)
                    Output.WriteJson(new
                    {
                        library_id = id,
                        removed = vacuumed.Removed,
                        through_sequence = vacuumed.ThroughSequence,
                        before,
                        held_back = FollowerText.HoldJson(vacuumed.HeldBack, latest),
                    });
                else
                {
                    Console.WriteLine($"removed {Output.Entries(vacuumed.Removed)} older than {Output.Time(before)}");
                    if (vacuumed.HeldBack is { } hold)
                        Console.WriteLine(FollowerText.HoldLine(hold, dryRun: false));
                }

                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }

    // A follower's lag is measured against the latest sequence; only asked for when someone held entries back.
    private static async Task<long> LatestAsync(SyncLogHost host, Guid library, Vacuumed reply, CancellationToken ct) =>
        reply.HeldBack is null
            ? 0
            : Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(library), ct: ct)).Sequence;
}
