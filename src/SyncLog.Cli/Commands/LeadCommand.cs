using System.CommandLine;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog lead</c>: opens a library's log (creating it, as an app does when it opens the library) and records a
/// leader election's decision for it (what leader election would send).
/// </summary>
internal static class LeadCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var term = new Option<long>("--term") { Description = "The election term (higher than the current one)", Required = true };
        var leader = new Option<string?>("--leader") { Description = "The leading device (default: this host's device)" };
        var command = new Command("lead", "Open a library's log (creating it) and declare which device leads it from a term on") { library, term, leader };
        command.SetAction((parse, _) => cli.RunAsync(parse, async host =>
        {
            var id = parse.GetValue(library);
            var device = parse.GetValue(leader) ?? host.Settings.DeviceId;
            Replies.Expect<LibraryOpened>(await host.AskAsync(new OpenLibrary(id)));
            var ack = Replies.Expect<LeadershipAck>(await host.AskAsync(new LeadershipChanged(id, device, parse.GetValue(term))));
            if (cli.Json(parse))
                Output.WriteJson(new { library_id = id, leader = device, term = ack.Term });
            else
                Console.WriteLine($"{device} leads library {id} from term {ack.Term}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
