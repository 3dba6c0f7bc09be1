using System.CommandLine;
using Spectre.Console;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog latest</c>: the latest sequence of one library, or of every library in the data dir.</summary>
internal static class LatestCommand
{
    public static Command Create(CliHost cli)
    {
        var library = new Option<Guid?>("--library") { Description = "The library's UUID (default: every library in the data dir)" };
        CommonOptions.RefuseEmptyGuid(library);
        var command = new Command("latest", "Show the latest sequence") { library };
        command.SetAction((parse, ct) => cli.ReadAsync(parse, async host =>
        {
            if (parse.GetValue(library) is { } one)
            {
                CliHost.RequireLibrary(host, one);
                var latest = Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(one), ct: ct)).Sequence;
                if (cli.Json(parse))
                    Output.WriteJson(new { library_id = one, latest_sequence = latest });
                else
                    Console.WriteLine(latest);
                return ExitCodes.Ok;
            }

            // One unreadable library must not hide the others: each is answered on its own, the failures at the end.
            var rows = new List<(Guid Library, long? Latest, string? Error)>();
            foreach (var id in DataDirCheck.Libraries(host.Settings.DataDir))
            {
                try
                {
                    rows.Add((id, Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(id), ct: ct)).Sequence, null));
                }
                catch (Exception e) when (e is CliRefusedException or CliUsageException or TimeoutException or Akka.Actor.AskTimeoutException)
                {
                    rows.Add((id, null, ErrorReport.Classify(e).Message));
                }
            }

            if (cli.Json(parse))
            {
                Output.WriteJson(rows.Select(r => r.Error is null
                    ? (object)new { library_id = r.Library, latest_sequence = r.Latest }
                    : new { library_id = r.Library, error = r.Error }));
            }
            else if (rows.Count == 0)
            {
                Console.WriteLine($"no libraries in {host.Settings.DataDir}");
            }
            else
            {
                var table = new Table().Border(TableBorder.Simple).AddColumns("library", "latest sequence");
                foreach (var (id, latest, error) in rows)
                    table.AddRow(id.ToString(), latest?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unreadable");
                AnsiConsole.Write(table);
            }

            var failed = rows.Where(r => r.Error is not null).ToList();
            return failed.Count == 0
                ? ExitCodes.Ok
                : ErrorReport.Write($"{failed.Count} of {rows.Count} libraries could not be read: " +
                                    string.Join("; ", failed.Select(r => $"{r.Library}: {r.Error}")), ExitCodes.Refused, cli.Json(parse));
        }));
        return command;
    }
}
