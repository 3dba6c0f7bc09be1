using System.CommandLine;
using System.Globalization;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Configuration;
using SyncLog.Actors;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog follow</c>: keeps one library of a data dir current from a leader served with <c>synclog serve</c>,
/// through a <see cref="LibraryFollower"/>, printing progress until Ctrl-C (exit 0) or until it cannot go on without
/// a person (divergence, halt, a resync nobody approved: exit 1).
/// </summary>
internal static class FollowCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var leader = new Option<string>("--leader")
        {
            Description = "The leader's gateway, as synclog serve prints it (akka.tcp://synclog@host:port/user/synclog-gateway)",
            Required = true,
        };
        var deviceId = new Option<string?>("--device-id") { Description = "This follower's device id in the leader's acknowledgements (default: --host-device, else the host's)" };
        var approveResync = new Option<bool>("--approve-resync")
        {
            Description = "When the leader vacuumed entries this follower still needs, restart the local log at the leader's floor and go on (default: stop with exit 1)",
        };
        var tlsOptions = TlsOptions.ForPeer("follow");
        var command = new Command("follow", "Keep a library of this data dir current from a served leader until Ctrl-C")
        {
            library, leader, deviceId, approveResync,
        };
        tlsOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var dataDir = cli.ExplicitDataDir(parse)
                          ?? throw new CliUsageException("follow needs --data-dir: the follower's data dir (it is created if missing, and locked while follow runs)");
            if (File.Exists(dataDir))
                throw new CliUsageException($"data dir '{Path.GetFullPath(dataDir)}' is a file; follow needs a directory");
            var libraryId = parse.GetValue(library);
            using var tls = tlsOptions.Load(parse);
            var address = LeaderAddress(parse.GetValue(leader), tls: tls is not null);
            var device = parse.GetResult(deviceId) is null ? null : parse.GetValue(deviceId)?.Trim();
            if (device is { Length: 0 })
                throw new CliUsageException("--device-id must not be empty (leave it out to use the host's device id)");
            var top = device is null ? "" : $"synclog.device-id = {SyncLogConfig.Quote(device)}";
            var remoting = ConfigurationFactory.ParseString(top).WithFallback(Remoting.Peer(tls is not null));
            var setups = tls?.Setups() ?? [];
            return await cli.ServeAsync(parse, remoting, setups, host =>
                new FollowRun(host, libraryId, address, parse.GetValue(approveResync), cli.Json(parse)).RunAsync(ct));
        });
        return command;
    }

    /// <summary>
    /// Checks a leader address before anything starts: an Akka.Remote actor path with a host, a port and the gateway's
    /// path, over TLS exactly when this follower has a certificate.
    /// </summary>
    internal static string LeaderAddress(string? text, bool tls)
    {
        var value = text?.Trim() ?? "";
        const string Example = "akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway";
        if (!ActorPath.TryParse(value, out var path) || path.Address.Host is null || path.Address.Port is null
            || path.Elements.Count == 0 || path.Address.Protocol is not ("akka.tcp" or "akka.ssl.tcp"))
        {
            throw new CliUsageException($"--leader must be a served leader's gateway address such as {Example}, got '{text}'");
        }

        if (path.Address.Protocol == "akka.ssl.tcp" && !tls)
            throw new CliUsageException($"--leader {value} is served over TLS (akka.ssl.tcp); add --tls-certificate");
        if (path.Address.Protocol == "akka.tcp" && tls)
            throw new CliUsageException($"--leader {value} is served without TLS (akka.tcp), but --tls-certificate was given; use the akka.ssl.tcp address");
        return value;
    }

    /// <summary>One run of the command: resolve the leader, start the follower, print its events until it must stop.</summary>
    private sealed class FollowRun(SyncLogHost host, Guid library, string address, bool approveResync, bool json)
    {
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
        private readonly FollowerSettings _settings = host.Settings.Follower;
        private readonly Channel<IFollowerEvent> _events = Channel.CreateUnbounded<IFollowerEvent>();
        private string _lastProgress = "";

        public async Task<int> RunAsync(CancellationToken ct)
        {
            var relay = host.System.ActorOf(FollowerEventRelay.Props(_events.Writer, library), "synclog-follow-events");
            host.System.EventStream.Subscribe(relay, typeof(IFollowerEvent));
            try
            {
                var gateway = await ResolveUntilReachable(ct);
                var follower = host.StartFollower(library, gateway);
                if (!json)
                    Console.WriteLine($"following library {library} from {address} into {host.Settings.DataDir} as device {host.Settings.DeviceId}; press Ctrl-C to stop");
                return await Loop(follower, gateway, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
        }

        private async Task<IActorRef> ResolveUntilReachable(CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                var gateway = await TryResolve();
                if (gateway is not null)
                    return gateway;
                var delay = _settings.Backoff(attempt);
                Print(new FollowerReconnecting(library, attempt, delay, $"the leader at {address} is not reachable"));
                await Task.Delay(delay, ct);
            }
        }

        private async Task<IActorRef?> TryResolve()
        {
            try
            {
                return await host.System.ActorSelection(address).ResolveOne(_settings.AskTimeout);
            }
            catch (ActorNotFoundException)
            {
                return null;
            }
        }

        private async Task<int> Loop(IActorRef follower, IActorRef gateway, CancellationToken ct)
        {
            var next = _events.Reader.ReadAsync(ct).AsTask();
            Task<IActorRef?>? resolving = null;
            while (true)
            {
                var tick = Task.Delay(ProgressInterval, ct);
                var done = await Task.WhenAny(resolving is null ? [next, tick] : [next, tick, resolving]);
                ct.ThrowIfCancellationRequested();
                if (done == resolving)
                {
                    // A leader restarted at the same address is a new actor: point the follower at it.
                    var found = await resolving;
                    resolving = null;
                    if (found is not null && !found.Equals(gateway))
                    {
                        gateway = found;
                        await follower.Ask<FollowingLeader>(new FollowLeader(library, found), _settings.AskTimeout, ct);
                    }

                    continue;
                }

                if (done == tick)
                {
                    if (!json)
                        await Progress(follower, ct);
                    continue;
                }

                var e = await next;
                next = _events.Reader.ReadAsync(ct).AsTask();
                Print(e);
                switch (e)
                {
                    case FollowerReconnecting:
                        resolving ??= TryResolve();
                        break;
                    case ResyncRequired resync when !approveResync:
                        throw new CliRefusedException(string.Create(CultureInfo.InvariantCulture,
                            $"the leader vacuumed entries this follower still needs (local latest {resync.LocalLatestSequence:N0}, leader's floor {resync.LeaderVacuumFloor:N0}); nothing was skipped. Rebuild the app's state from the leader's library database up to the floor, then run follow again with --approve-resync"));
                    case ResyncRequired resync:
                        await Resync(follower, resync, ct);
                        break;
                    case FollowerDiverged diverged:
                        throw new CliRefusedException(string.Create(CultureInfo.InvariantCulture,
                            $"this data dir holds a different history than the leader from sequence {diverged.ConflictingSequence:N0} on (local latest {diverged.LocalLatestSequence:N0}); nothing more was replicated (synclog verify compares two data dirs)"));
                    case FollowerHalted halted:
                        throw new CliRefusedException($"the follower stopped: {halted.Reason}");
                }
            }
        }

        private async Task Resync(IActorRef follower, ResyncRequired resync, CancellationToken ct)
        {
            var reply = await follower.Ask<object>(new ApproveResync(library, resync.LeaderVacuumFloor), _settings.AskTimeout * 3, ct);
            switch (reply)
            {
                case FollowerResynced done when json:
                    Output.WriteJsonLine(new { @event = "resynced", library_id = library, latest_sequence = done.LatestSequence });
                    break;
                case FollowerResynced done:
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"resynced (--approve-resync): the local log now continues after sequence {done.LatestSequence:N0}"));
                    break;
                case FollowerRequestRefused refused:
                    throw new CliRefusedException($"the resync was refused: {refused.Reason}");
                default:
                    throw new CliRefusedException($"the resync was not confirmed: {reply.GetType().Name}");
            }
        }

        private async Task Progress(IActorRef follower, CancellationToken ct)
        {
            var status = await follower.Ask<FollowerStatus>(new GetFollowerStatus(library), _settings.AskTimeout, ct);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"local latest {status.LocalLatestSequence:N0}, leader latest {(status.LeaderLatestSequence is { } l ? l.ToString("N0", CultureInfo.InvariantCulture) : "unknown")}, {status.State.ToString().ToLowerInvariant()}");
            if (line == _lastProgress)
                return;
            _lastProgress = line;
            Console.WriteLine(line);
        }

        private void Print(IFollowerEvent e)
        {
            if (json)
            {
                Output.WriteJsonLine(Json(e));
                return;
            }

            Console.WriteLine(e switch
            {
                FollowerConnected c => string.Create(CultureInfo.InvariantCulture,
                    $"connected to {c.Leader} at term {c.LeaderTerm}: following after {c.AfterSequence:N0}, leader latest {c.LeaderLatestSequence:N0}"),
                FollowerCaughtUp c => string.Create(CultureInfo.InvariantCulture, $"caught up at {c.Sequence:N0}"),
                FollowerLagging l => string.Create(CultureInfo.InvariantCulture,
                    $"lagging: local latest {l.LocalLatestSequence:N0}, leader latest {l.LeaderLatestSequence:N0}"),
                FollowerReconnecting r => string.Create(CultureInfo.InvariantCulture,
                    $"reconnecting (attempt {r.Attempt}) in {DurationText.Format(r.Delay)}: {r.Reason}"),
                ResyncRequired r => string.Create(CultureInfo.InvariantCulture,
                    $"resync required: local latest {r.LocalLatestSequence:N0} is below the leader's vacuum floor {r.LeaderVacuumFloor:N0}"),
                FollowerDiverged d => string.Create(CultureInfo.InvariantCulture,
                    $"diverged at sequence {d.ConflictingSequence:N0} (local latest {d.LocalLatestSequence:N0})"),
                FollowerHalted h => $"halted: {h.Reason}",
                _ => e.ToString(),
            });
        }

        private static object Json(IFollowerEvent e) => e switch
        {
            FollowerConnected c => new { @event = "connected", library_id = c.LibraryId, leader = c.Leader, leader_term = c.LeaderTerm, after_sequence = c.AfterSequence, leader_latest_sequence = c.LeaderLatestSequence },
            FollowerCaughtUp c => new { @event = "caught-up", library_id = c.LibraryId, sequence = c.Sequence },
            FollowerLagging l => new { @event = "lagging", library_id = l.LibraryId, local_latest_sequence = l.LocalLatestSequence, leader_latest_sequence = l.LeaderLatestSequence },
            FollowerReconnecting r => new { @event = "reconnecting", library_id = r.LibraryId, attempt = r.Attempt, delay_ms = (long)r.Delay.TotalMilliseconds, reason = r.Reason },
            ResyncRequired r => new { @event = "resync-required", library_id = r.LibraryId, local_latest_sequence = r.LocalLatestSequence, leader_vacuum_floor = r.LeaderVacuumFloor },
            FollowerDiverged d => new { @event = "diverged", library_id = d.LibraryId, conflicting_sequence = d.ConflictingSequence, local_latest_sequence = d.LocalLatestSequence },
            FollowerHalted h => new { @event = "halted", library_id = h.LibraryId, reason = h.Reason },
            _ => (object)new { @event = e.GetType().Name, library_id = e.LibraryId },
        };
    }
}
