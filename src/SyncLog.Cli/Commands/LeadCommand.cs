using System.CommandLine;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog lead</c>: records a leader election's decision for a library (what leader election would send).</summary>
internal static class LeadCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var term = new Option<long>("--term") { Description = "The election term (1 or more, higher than the current one)", Required = true };
        var leader = new Option<string?>("--leader") { Description = "The leading device (default: this host's device)" };
        var command = new Command("lead", "Declare which device leads a library from a term on (creates its empty log)") { library, term, leader };
        command.SetAction((parse, ct) =>
        {
            var id = parse.GetValue(library);
            var electedTerm = parse.GetValue(term);
            // Checked before the host starts: a host would create the data dir and sync-host.db before refusing.
            CommonOptions.CheckTerm(electedTerm);
            var named = parse.GetValue(leader);
            if (named is not null && string.IsNullOrWhiteSpace(named))
                throw new CliUsageException("--leader must not be empty (leave it out to elect this host's device)");
            return cli.RunAsync(parse, async host =>
            {
                var device = named ?? host.Settings.DeviceId;
                var ack = Replies.Expect<LeadershipAck>(await host.AskAsync(new LeadershipChanged(id, device, electedTerm), ct: ct));
                // An elected library is one in use: open (create) its log, so latest, fetch and stats answer at once
                // instead of calling it unknown until its first entry.
                Replies.Expect<LibraryOpened>(await host.AskAsync(new OpenLibrary(id), ct: ct));
                if (cli.Json(parse))
                    Output.WriteJson(new { library_id = id, leader = device, term = ack.Term });
                else
                    Console.WriteLine($"{device} leads library {id} from term {ack.Term}");
                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }
}
