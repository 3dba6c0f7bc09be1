using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog stats</c>: log id, entries, sequence and time range, file size, per-model counts and followers of a library.</summary>
internal static class StatsCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var command = new Command("stats", "Show what a library's log holds") { library };
        command.SetAction((parse, ct) => cli.ReadAsync(parse, async host =>
        {
            var id = parse.GetValue(library);
            CliHost.RequireLibrary(host, id);
            var stats = Replies.Expect<Stats>(await host.AskAsync(new GetStats(id), ct: ct)).Value;
            // An empty log has no oldest entry: say so (null, '-') rather than show sequence 0.
            long? oldest = stats.Count > 0 ? stats.OldestSequence : null;
            if (cli.Json(parse))
            {
                Output.WriteJson(new
                {
                    library_id = id,
                    log_id = stats.LogId,
                    entries = stats.Count,
                    oldest_sequence = oldest,
                    latest_sequence = stats.LatestSequence,
                    vacuumed_through_sequence = stats.VacuumedThroughSequence,
                    oldest_timestamp = stats.OldestTimestamp,
                    newest_timestamp = stats.NewestTimestamp,
                    file_size_bytes = stats.FileSizeBytes,
                    per_model = stats.CountsByModel.ToDictionary(p => p.Key, p => p.Value),
                    followers = stats.Followers.Select(f => FollowerText.Json(f, stats.LatestSequence)).ToList(),
                    learned_followers = (stats.LearnedFollowers ?? []).Select(l => FollowerText.Json(l, stats.LatestSequence)).ToList(),
                });
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("library " + id, "");
            table.AddRow("log id", stats.LogId.ToString("D"));
            table.AddRow("entries", Number(stats.Count));
            table.AddRow("oldest sequence", oldest is { } o ? Number(o) : "-");
            table.AddRow("latest sequence", Number(stats.LatestSequence));
            // The same number as --json's vacuumed_through_sequence: 0 means nothing was vacuumed.
            table.AddRow("vacuumed through", Number(stats.VacuumedThroughSequence));
            table.AddRow("oldest time", Output.Time(stats.OldestTimestamp) ?? "-");
            table.AddRow("newest time", Output.Time(stats.NewestTimestamp) ?? "-");
            table.AddRow("file size", Output.Size(stats.FileSizeBytes));
            // A heading of their own, or the models read as parts of the file size above them.
            table.AddRow("entries per model", stats.CountsByModel.Count == 0 ? "none" : "");
            foreach (var (model, count) in stats.CountsByModel)
                table.AddRow($"  {Markup.Escape(model)}", Number(count));
            table.AddRow("followers", stats.Followers.Count == 0 ? "none" : Number(stats.Followers.Count));
            foreach (var follower in stats.Followers)
                table.AddRow($"  {Markup.Escape(follower.DeviceId)}", Markup.Escape(FollowerText.Describe(follower, stats.LatestSequence)));
            // Held for on another leader's word (a handover) until each device acks this host.
            var learned = stats.LearnedFollowers ?? [];
            if (learned.Count > 0)
                table.AddRow("learned followers", Number(learned.Count));
            foreach (var follower in learned)
                table.AddRow($"  {Markup.Escape(follower.DeviceId)}", Markup.Escape(FollowerText.Describe(follower, stats.LatestSequence)));
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
