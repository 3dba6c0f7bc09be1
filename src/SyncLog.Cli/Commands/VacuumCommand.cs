using System.CommandLine;
using Spectre.Console;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog vacuum</c>: removes entries older than a duration (default: the configured retention).</summary>
internal static class VacuumCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var olderThan = new Option<string?>("--older-than") { Description = "Remove entries older than this (e.g. 30d; default: synclog.retention)" };
        var command = new Command("vacuum", "Remove expired entries from a library's log") { library, olderThan };
        command.SetAction((parse, _) =>
        {
            var age = parse.GetValue(olderThan) is { } text ? DurationText.Parse(text) : (TimeSpan?)null;
            return cli.RunAsync(parse, async host =>
            {
                var id = parse.GetValue(library);
                var before = DateTimeOffset.UtcNow - (age ?? host.Settings.Retention);
                var request = new VacuumOldEntries(id, before);
                // Vacuum answers once, at the end; a spinner shows that a long one is still working.
                var reply = Output.IsInteractive && !cli.Json(parse)
                    ? await AnsiConsole.Status().StartAsync("vacuuming...", _ => host.AskAsync(request, TimeSpan.FromHours(1)))
                    : await host.AskAsync(request, TimeSpan.FromHours(1));
                var removed = Replies.Expect<Vacuumed>(reply).Removed;
                if (cli.Json(parse))
                    Output.WriteJson(new { library_id = id, removed, before });
                else
                    Console.WriteLine($"removed {removed} entries older than {before:u}");
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
