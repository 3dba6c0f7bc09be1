using System.CommandLine;
using Spectre.Console;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog latest</c>: the latest sequence of one library, or of every library in the data dir.</summary>
internal static class LatestCommand
{
    public static Command Create(CliHost cli)
    {
        var library = new Option<Guid?>("--library") { Description = "The library's UUID (default: every library in the data dir)" };
        var command = new Command("latest", "Show the latest sequence") { library };
        command.SetAction((parse, _) => cli.ReadAsync(parse, async host =>
        {
            var ids = parse.GetValue(library) is { } one ? [one] : LibrariesIn(host.Settings.DataDir);
            var rows = new List<(Guid Library, long Latest)>();
            foreach (var id in ids)
                rows.Add((id, Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(id))).Sequence));

            if (cli.Json(parse))
            {
                Output.WriteJson(rows.Select(r => new { library_id = r.Library, latest_sequence = r.Latest }));
            }
            else if (parse.GetValue(library) is not null)
            {
                Console.WriteLine(rows[0].Latest);
            }
            else
            {
                var table = new Table().Border(TableBorder.Simple).AddColumns("library", "latest sequence");
                foreach (var (id, latest) in rows)
                    table.AddRow(id.ToString(), latest.ToString(System.Globalization.CultureInfo.InvariantCulture));
                AnsiConsole.Write(table);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Libraries with a log under <paramref name="dataDir"/>, by folder name.</summary>
    public static List<Guid> LibrariesIn(string dataDir)
    {
        var root = Path.Combine(dataDir, "libraries");
        if (!Directory.Exists(root))
            return [];
        return Directory.EnumerateDirectories(root)
            .Select(d => (Dir: d, Ok: Guid.TryParse(Path.GetFileName(d), out var id), Id: id))
            .Where(x => x.Ok && File.Exists(Path.Combine(x.Dir, SyncLogDb.FileName)))
            .Select(x => x.Id)
            .Order()
            .ToList();
    }
}
