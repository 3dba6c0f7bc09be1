using System.CommandLine;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog export</c>: writes a library's entries as JSON Lines, paging through the actor like a follower.</summary>
internal static class ExportCommand
{
    private const int PageSize = 1000;

    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var since = new Option<long?>("--since") { Description = "Export entries after this sequence (default: all that are still stored)" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "File to write (default: standard output)" };
        var command = new Command("export", "Export entries as JSON Lines") { library, since, output };
        command.SetAction((parse, ct) => cli.ReadAsync(parse, async host =>
        {
            var id = parse.GetValue(library);
            var file = parse.GetValue(output);
            var latest = Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(id), ct: ct)).Sequence;
            await using var writer = file is null
                ? new StreamWriter(Console.OpenStandardOutput())
                : new StreamWriter(file.FullName, append: false);
            var explicitSince = parse.GetValue(since);
            var from = explicitSince ?? 0;
            if (explicitSince is null)
            {
                // Without --since, start where the log still has entries rather than failing on vacuumed ones.
                var first = Replies.Expect<Fetched>(await host.AskAsync(new FetchSince(id, 0, 1), ct: ct)).Result;
                if (first.IsTruncated)
                    from = first.VacuumedThroughSequence;
            }

            var written = await Output.WithProgressAsync("exporting", latest - from, quiet: file is null, async progress =>
            {
                var count = 0L;
                var cursor = from;
                while (true)
                {
                    var page = Replies.Expect<Fetched>(await host.AskAsync(new FetchSince(id, cursor, PageSize), ct: ct)).Result;
                    if (page.IsTruncated)
                        throw new CliRefusedException($"entries after {cursor} were vacuumed (through {page.VacuumedThroughSequence}); export --since {page.VacuumedThroughSequence}");
                    foreach (var entry in page.Entries)
                        await writer.WriteLineAsync(EntryJson.ToLine(entry));
                    count += page.Entries.Count;
                    if (page.Entries.Count > 0)
                        cursor = page.Entries[^1].Sequence;
                    progress(cursor - from);
                    if (!page.HasMore)
                        return count;
                }
            });
            if (file is not null)
                Console.Error.WriteLine($"exported {written} entries to {file.FullName}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
