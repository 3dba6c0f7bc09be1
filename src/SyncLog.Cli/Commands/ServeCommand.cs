using System.CommandLine;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog serve</c>: makes a data dir's host reachable over Akka.Remote through its gateway, serving reads and
/// following only (unless <c>--allow-writes</c>), on loopback unless told otherwise, optionally over mutual TLS.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliHost cli)
    {
        var port = new Option<int>("--port")
        {
            Description = $"TCP port to listen on (0 to 65535; 0 picks a free one)",
            DefaultValueFactory = _ => Remoting.DefaultPort,
        };
        var bindHost = new Option<string>("--bind-host")
        {
            Description = "Address to listen on (the default, loopback, is reachable from this machine only)",
            DefaultValueFactory = _ => Remoting.Loopback,
        };
        var publicHost = new Option<string?>("--public-host") { Description = "Host name peers use to reach it (needed with a wildcard --bind-host such as 0.0.0.0)" };
        var allowWrites = new Option<bool>("--allow-writes") { Description = "Also serve writes and admin requests (append, leadership, replicate, vacuum) to remote peers" };
        var tlsOptions = TlsOptions.ForServer();
        var command = new Command("serve", "Serve a data dir to other processes over Akka.Remote until Ctrl-C")
        {
            port, bindHost, publicHost, allowWrites,
        };
        tlsOptions.AddTo(command);
        cli.DescribeDataDir(command, required: true, description:
            "The existing data dir to serve, locked while serve runs (no default here: synclog.data-dir and $SYNCLOG_DATA_DIR do not apply)");
        command.SetAction(async (parse, ct) =>
        {
            var dataDir = cli.ExplicitDataDir(parse)
                          ?? throw new CliUsageException("serve needs --data-dir: the data dir it serves (and locks while it runs)");
            DataDirCheck.RequireNotAFile(Path.GetFullPath(dataDir));
            if (!Directory.Exists(dataDir))
                throw new CliUsageException($"data dir '{Path.GetFullPath(dataDir)}' does not exist; serve an existing data dir");
            var listenPort = parse.GetValue(port);
            if (listenPort is < 0 or > 65535)
                throw new CliUsageException($"--port must be between 0 and 65535, got {listenPort}");
            var (host, advertised) = Remoting.Hosts(parse.GetValue(bindHost), parse.GetValue(publicHost), parse.GetResult(publicHost) is not null);
            using var tls = tlsOptions.Load(parse);
            var writes = parse.GetValue(allowWrites);
            var remoting = SyncLogRemoting.Server(host, listenPort, advertised, tls is not null, writes);
            var setups = tls?.Setups() ?? [];
            return await cli.ServeAsync(parse, remoting, setups, async served =>
            {
                served.StartGateway();
                // Once every check passed and the host listens: a refused argument stays the one stderr line.
                Remoting.WarnIfUnreachable(host, advertised);
                var gateway = SyncLogRemoting.GatewayAddress(served.System);
                var dataDir = served.Settings.DataDir;
                // tail --follow on this data dir finds the gateway here and is pushed entries instead of polling.
                new ServeFile(gateway, Environment.ProcessId, tls is not null).WriteTo(dataDir);
                try
                {
                    return await ServeUntilInterruptedAsync(served, gateway, cli.Json(parse), writes, tls, ct);
                }
                finally
                {
                    // Before the host stops: a tail that starts now polls instead of reaching a host on its way out.
                    ServeFile.RemoveOwn(dataDir);
                }
            });
        });
        return command;
    }

    // Prints where the host is served and how, then serves until Ctrl-C.
    private static async Task<int> ServeUntilInterruptedAsync(SyncLogHost served, string gateway, bool json, bool writes, TlsIdentity? tls,
        CancellationToken ct)
    {
        if (json)
        {
            Output.WriteJson(new
            {
                gateway,
                data_dir = served.Settings.DataDir,
                allow_writes = writes,
                tls = tls is not null,
                tls_allowed_peers = tls?.Allowed ?? [],
            });
        }
        else
        {
            Console.WriteLine($"serving {served.Settings.DataDir} at {gateway}");
            Console.WriteLine(writes
                ? "remote peers may read, follow and write (--allow-writes)"
                : "remote peers may read and follow; writes are refused");
            Console.WriteLine(tls is null
                ? $"no TLS: anyone who can reach this address can {(writes ? "read and write" : "read")}"
                : $"mutual TLS: peers must present certificate {string.Join(" or ", tls.Allowed)}");
            Console.WriteLine("press Ctrl-C to stop");
        }

        await Console.Out.FlushAsync(ct);
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C: the host stops and releases the data dir on the way out.
        }

        return ExitCodes.Ok;
    }
}
