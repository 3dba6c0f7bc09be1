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
        var output = new Option<string?>("--output", "-o") { Description = "File to write (default: standard output)" };
        var command = new Command("export", "Export entries as JSON Lines") { library, since, output };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(since) is { } after)
                CommonOptions.CheckSince(after);
            var file = parse.GetValue(output) is { } path ? CheckOutput(path) : null;
            return cli.ReadAsync(parse, async host =>
        {
            var id = parse.GetValue(library);
            CliHost.RequireLibrary(host, id);
            var latest = Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(id), ct: ct)).Sequence;
            // A file is written beside itself and renamed into place only when complete, so an interrupted or failed
            // export never leaves a partial file that looks like a whole one.
            var temp = file is null ? null : $"{file}.tmp-{Environment.ProcessId}";
            var completed = false;
            var written = 0L;
            try
            {
                await using (var writer = temp is null ? new StreamWriter(Console.OpenStandardOutput()) : new StreamWriter(Open(temp, FileMode.Create)))
                {
                    var explicitSince = parse.GetValue(since);
                    var from = explicitSince ?? 0;
                    if (explicitSince is null)
                    {
                        // Without --since, start where the log still has entries rather than failing on vacuumed ones.
                        var first = Replies.Expect<Fetched>(await host.AskAsync(new FetchSince(id, 0, 1), ct: ct)).Result;
                        if (first.IsTruncated)
                            from = first.VacuumedThroughSequence;
                    }

                    written = await Output.WithProgressAsync("exporting", latest - from, quiet: file is null, async progress =>
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
                }

                if (temp is not null)
                {
                    File.Move(temp, file!, overwrite: true);
                    Console.Error.WriteLine($"exported {Output.Entries(written)} to {file}");
                }

                completed = true;
                return ExitCodes.Ok;
            }
            finally
            {
                if (!completed && temp is not null && File.Exists(temp))
                    File.Delete(temp);
            }
        });
        });
        return command;
    }

    // Checked before the host starts, so a wrong path is one line and exit 2, never a stack trace.
    private static string CheckOutput(string path)
    {
        if (path.Length == 0)
            throw new CliUsageException("--output must not be empty (leave it out to write to standard output)");
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new CliUsageException($"--output '{full}' is a directory; name a file in it");
        var dir = Path.GetDirectoryName(full)!;
        if (File.Exists(dir))
            throw new CliUsageException($"--output '{full}': '{dir}' is a file, not a directory");
        if (!Directory.Exists(dir))
            throw new CliUsageException($"--output '{full}': directory '{dir}' does not exist");
        // Probe now, leaving nothing behind: the file itself is only written once the library is known to exist.
        var existed = File.Exists(full);
        Open(full, FileMode.OpenOrCreate).Dispose();
        if (!existed)
            File.Delete(full);
        return full;
    }

    private static FileStream Open(string file, FileMode mode)
    {
        try
        {
            return new FileStream(file, mode, FileAccess.Write);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliUsageException($"--output '{file}' cannot be written: {ErrorReport.OneLine(e.Message)}");
        }
    }
}
