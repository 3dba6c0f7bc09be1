using System.CommandLine;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog tail</c>: the last entries of a library; with <c>--follow</c>, new ones as they are committed.</summary>
internal static class TailCommand
{
    /// <summary>The shortest <c>--follow</c> poll: shorter ones only burn a core re-reading an unchanged log.</summary>
    private static readonly TimeSpan ShortestInterval = TimeSpan.FromSeconds(1);

    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var count = new Option<int>("--lines", "-n") { Description = "How many of the last entries to show", DefaultValueFactory = _ => 20 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new entries until interrupted" };
        var interval = new Option<string>("--interval")
        {
            Description = "How often --follow polls (1s to 1d, e.g. 5s)",
            DefaultValueFactory = _ => "1s",
        };
        var command = new Command("tail", "Show the last entries of a library") { library, count, follow, interval };
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(count);
            // 0 would print only a header: nothing coherent to show, so it is refused like any other out-of-range count.
            if (n is < 1 or > SyncLogDb.MaxFetchLimit)
                throw new CliUsageException($"--lines must be between 1 and {SyncLogDb.MaxFetchLimit}, got {n}");
            var period = DurationText.Parse(parse.GetValue(interval)!, "--interval", ShortestInterval, TimeSpan.FromDays(1));
            if (!parse.GetValue(follow) && parse.GetResult(interval) is { Implicit: false })
                throw new CliUsageException("--interval only applies with --follow; add --follow or leave it out");
            var following = parse.GetValue(follow);
            var reading = cli.ReadAsync(parse, async host =>
            {
                var id = parse.GetValue(library);
                CliHost.RequireLibrary(host, id);
                var json = cli.Json(parse);
                var latest = Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(id), ct: ct)).Sequence;
                if (!json)
                    Console.WriteLine(Output.EntryLineHeader);
                var since = await PrintFromAsync(host, id, Math.Max(0, latest - n), json, ct);
                if (!following)
                    return ExitCodes.Ok;
                while (true)
                {
                    await Task.Delay(period, ct);
                    since = await PrintFromAsync(host, id, since, json, ct);
                }
            });
            if (!following)
                return await reading;
            try
            {
                return await reading;
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // --follow runs until Ctrl-C, like serve: the user ending it is its normal end, at any point (exit 0).
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    // Prints one line per entry, in both modes, so --follow appends lines instead of reprinting tables.
    private static async Task<long> PrintFromAsync(SyncLogHost host, Guid library, long since, bool json, CancellationToken ct)
    {
        while (true)
        {
            var page = Replies.Expect<Fetched>(await host.AskAsync(new FetchSince(library, since, 1000), ct: ct)).Result;
            if (page.IsTruncated)
            {
                // The tail fell behind a vacuum: say so, and continue from what still exists.
                await Console.Error.WriteLineAsync($"synclog: entries {since + 1}..{page.VacuumedThroughSequence} were vacuumed; continuing after them");
                since = page.VacuumedThroughSequence;
                continue;
            }

            if (page.Entries.Count == 0)
                return since;
            foreach (var entry in page.Entries)
                Console.WriteLine(json ? EntryJson.ToLine(entry) : Output.EntryLine(entry));
            since = page.Entries[^1].Sequence;
            if (!page.HasMore)
                return since;
        }
    }
}
