using System.CommandLine;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog forget-follower</c>: stops a library's vacuum from waiting for a lost or retired device (its log's later
/// acks no longer count; a reset device with a new log registers again by acking).
/// </summary>
internal static class ForgetFollowerCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var device = new Option<string>("--device") { Description = "The follower device to forget", Required = true };
        var command = new Command("forget-follower", "Stop waiting for a follower device's acknowledgements before vacuuming") { library, device };
        command.SetAction((parse, ct) =>
        {
            var id = parse.GetValue(library);
            var name = parse.GetValue(device);
            if (string.IsNullOrWhiteSpace(name))
                throw new CliUsageException("--device must not be empty");
            // Forgetting in a library nobody created would create its file (and the host its data dir): refuse first.
            DataDirCheck.RequireLibrary(cli.Settings(parse).DataDir, id);
            return cli.RunAsync(parse, async host =>
            {
                var forgotten = Replies.Expect<FollowerForgotten>(await host.AskAsync(new ForgetFollower(id, name), ct: ct));
                if (cli.Json(parse))
                    Output.WriteJson(new { library_id = id, device_id = name, was_known = forgotten.WasKnown });
                else
                    Console.WriteLine(forgotten.WasKnown
                        ? $"forgot follower {name}: vacuum no longer waits for it, and its log's acks no longer count"
                        : $"{name} is not a known follower of library {id}; nothing to forget");
                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }
}
