using System.CommandLine;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog leader</c>: who leads a library, at which term, and whether that is this host's device.</summary>
internal static class LeaderCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var command = new Command("leader", "Show who leads a library and at which term") { library };
        // Leadership lives in the host database (sync-host.db), which only a host that owns the data dir recovers.
        command.SetAction((parse, ct) =>
        {
            var id = parse.GetValue(library);
            DataDirCheck.RequireLibrary(cli.Settings(parse).DataDir, id);
            return cli.RunAsync(parse, async host =>
        {
            var leadership = Replies.Expect<Leadership>(await host.AskAsync(new GetLeadership(id), ct: ct));
            if (cli.Json(parse))
            {
                Output.WriteJson(new
                {
                    library_id = id,
                    leader = leadership.LeaderDeviceId,
                    term = leadership.Term,
                    is_this_device = leadership.IsThisDevice,
                    this_device = host.Settings.DeviceId,
                });
            }
            else if (leadership.LeaderDeviceId is null)
            {
                Console.WriteLine($"library {id} has no leader yet (term 0); 'synclog lead --library {id} --term 1' elects this device");
            }
            else
            {
                Console.WriteLine($"{leadership.LeaderDeviceId} leads library {id} at term {leadership.Term}" +
                                  (leadership.IsThisDevice ? " (this device)" : $" (this device is {host.Settings.DeviceId})"));
            }

            return ExitCodes.Ok;
        });
        });
        return command;
    }
}
