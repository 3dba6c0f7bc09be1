using System.CommandLine;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog leader</c>: who leads a library, at which term, and whether that is this host's device.</summary>
internal static class LeaderCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var command = new Command("leader", "Show who leads a library and at which term") { library };
        // Leadership lives in the host database (sync-host.db), which only a host that owns the data dir recovers. It is
        // recorded before the library's first entry, so 'lead' then 'leader' answers without the library's sync.db.
        command.SetAction((parse, ct) =>
        {
            var id = parse.GetValue(library);
            var settings = cli.Settings(parse);
            // Without a host database no leadership was ever recorded: refuse before a host creates one.
            if (!File.Exists(settings.HostDbPath))
                DataDirCheck.RequireLibrary(settings.DataDir, id);
            return cli.RunAsync(parse, async host =>
            {
                var leadership = Replies.Expect<Leadership>(await host.AskAsync(new GetLeadership(id), ct: ct));
                if (leadership.LeaderDeviceId is null && !File.Exists(SyncLogDb.PathFor(id, host.Settings.DataDir)))
                    CliHost.RequireLibrary(host, id);
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
            }, ct);
        });
        return command;
    }
}
