using System.CommandLine;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog fetch</c>: one page of entries after a sequence, as a follower would read it.</summary>
internal static class FetchCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var since = CommonOptions.Since();
        var limit = CommonOptions.Limit(100);
        var command = new Command("fetch", "Fetch entries after a sequence") { library, since, limit };
        command.SetAction((parse, _) => cli.RunAsync(parse, async host =>
        {
            var id = parse.GetValue(library);
            var result = Replies.Expect<Fetched>(
                await host.AskAsync(new FetchSince(id, parse.GetValue(since), parse.GetValue(limit)))).Result;
            if (cli.Json(parse))
            {
                Output.WriteEntriesJson(result);
                return ExitCodes.Ok;
            }

            if (result.IsTruncated)
            {
                Console.WriteLine($"entries after {parse.GetValue(since)} were vacuumed (through {result.VacuumedThroughSequence}); resync, then fetch --since {result.VacuumedThroughSequence}");
                return ExitCodes.Ok;
            }

            Output.WriteEntriesTable(result.Entries);
            Console.WriteLine($"{result.Entries.Count} entries; latest sequence {result.LatestSequence}{(result.HasMore ? "; more to fetch" : "")}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
