using System.CommandLine;
using SyncLog.Actors;
using SyncLog.Storage;

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
        command.SetAction((parse, ct) =>
        {
            var request = new FetchSince(parse.GetValue(library), parse.GetValue(since), parse.GetValue(limit));
            CommonOptions.CheckPage(request.Sequence, request.Limit);
            return cli.ReadAsync(parse, async host =>
            {
                CliHost.RequireLibrary(host, request.LibraryId);
                var result = Replies.Expect<Fetched>(await host.AskAsync(request, ct: ct)).Result;
                if (cli.Json(parse))
                {
                    Output.WriteEntriesJson(request.LibraryId, request.Sequence, result);
                }
                else if (result.IsTruncated)
                {
                    Console.WriteLine($"entries after {request.Sequence} were vacuumed (through {result.VacuumedThroughSequence}); resync, then fetch --since {result.VacuumedThroughSequence}");
                }
                else
                {
                    Output.WriteEntriesTable(result.Entries);
                    Console.WriteLine($"{Output.Entries(result.Entries.Count)}; latest sequence {result.LatestSequence}" +
                                      (result.HasMore ? $"; more to fetch with --since {result.Entries[^1].Sequence}" : ""));
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
