using System.CommandLine;
using System.Globalization;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Configuration;
using SyncLog.Actors;
using Candidate = SyncLog.Cli.LeaderSearch.Candidate;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog follow</c>: keeps one library of a data dir current from a leader served with <c>synclog serve</c>,
/// through a <see cref="LibraryFollower"/>, printing progress until Ctrl-C (exit 0) or until it cannot go on without
/// a person (divergence, halt, a resync nobody approved: exit 1). Given several candidate leaders, it follows the one
/// that says it leads at the highest term, and looks again whenever it loses the leader (fail-over).
/// </summary>
internal static class FollowCommand
{
    private static readonly string[] GatewayElements = SyncLogGateway.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var leader = new Option<string[]>("--leader")
        {
            Description = "The leader's gateway, as synclog serve prints it (akka.tcp://synclog@host:port/user/synclog-gateway); " +
                          "repeat it for every candidate of a fail-over: follow follows the one that leads at the highest term",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var bindHost = new Option<string>("--bind-host")
        {
            Description = "Address to listen on for the leader's replies and pushes (the default, loopback, reaches a leader on this machine only)",
            DefaultValueFactory = _ => Remoting.Loopback,
        };
        var publicHost = new Option<string?>("--public-host") { Description = "Host name the leader reaches this follower at (needed with a wildcard --bind-host such as 0.0.0.0)" };
        var deviceId = new Option<string?>("--device-id") { Description = "This follower's device id in the leader's acknowledgements (default: --host-device, else the host's)" };
        var approveResync = new Option<bool>("--approve-resync")
        {
            Description = "When the leader vacuumed entries this follower still needs, restart the local log at the leader's floor and go on (default: stop with exit 1)",
        };
        // Hidden: for a program that runs follow as its child (the demo), so the child ends with it even when it is killed.
        var exitWithParent = new Option<int?>("--exit-with-parent")
        {
            Description = "Stop (exit 0) once the process with this id is gone",
            Hidden = true,
        };
        var tlsOptions = TlsOptions.ForPeer("follow");
        var command = new Command("follow", "Keep a library of this data dir current from a served leader until Ctrl-C")
        {
            library, leader, deviceId, approveResync, bindHost, publicHost, exitWithParent,
        };
        tlsOptions.AddTo(command);
        cli.DescribeDataDir(command, required: true, description:
            "The follower's data dir, created if missing and locked while follow runs (no default here: synclog.data-dir and $SYNCLOG_DATA_DIR do not apply)");
        command.SetAction(async (parse, ct) =>
        {
            var dataDir = cli.ExplicitDataDir(parse)
                          ?? throw new CliUsageException("follow needs --data-dir: the follower's data dir (it is created if missing, and locked while follow runs)");
            DataDirCheck.RequireNotAFile(Path.GetFullPath(dataDir));
            var libraryId = parse.GetValue(library);
            using var tls = tlsOptions.Load(parse);
            var addresses = LeaderAddresses(parse.GetValue(leader) ?? [], tls: tls is not null);
            var (listenHost, advertised) = Remoting.Hosts(parse.GetValue(bindHost), parse.GetValue(publicHost), parse.GetResult(publicHost) is not null);
            var device = parse.GetResult(deviceId) is null ? null : parse.GetValue(deviceId)?.Trim();
            if (device is { Length: 0 })
                throw new CliUsageException("--device-id must not be empty (leave it out to use the host's device id)");
            var top = device is null ? "" : $"synclog.device-id = {SyncLogConfig.Quote(device)}";
            var remoting = ConfigurationFactory.ParseString(top).WithFallback(SyncLogRemoting.Peer(tls is not null, listenHost, advertised));
            var setups = tls?.Setups() ?? [];
            var parent = parse.GetValue(exitWithParent);
            if (parent is < 1)
                throw new CliUsageException($"--exit-with-parent must be a process id (1 or more), got {parent}");
            // Identified at once, before the id of a parent that dies meanwhile can go to another process.
            var parentProcess = parent is { } id ? ParentWatch.Identify(id) : null;
            if (parent is { } pid && parentProcess is null)
            {
                // Refused before the host starts, so nothing is created or locked in the data dir; a refused --config
                // still comes first, as the one stderr line.
                cli.Settings(parse);
                throw new CliUsageException($"--exit-with-parent {pid}: no process with that id was running when follow started; give the id of the running process that starts follow");
            }

            return await cli.ServeAsync(parse, remoting, setups, async host =>
            {
                using var parentWatch = parentProcess is not null ? ParentWatch.Start(parentProcess, ct) : null;
                Remoting.WarnIfUnreachable(listenHost, advertised);
                var until = parentWatch?.Token ?? ct;
                return await new FollowRun(host, libraryId, addresses, parse.GetValue(approveResync), cli.Json(parse)).RunAsync(until);
            });
        });
        return command;
    }

    /// <summary>Checks every <c>--leader</c> (<see cref="LeaderAddress"/>); naming one twice is a mistake, not a preference.</summary>
    internal static IReadOnlyList<string> LeaderAddresses(IReadOnlyList<string> texts, bool tls)
    {
        var addresses = texts.Select(t => LeaderAddress(t, tls)).ToList();
        if (addresses.GroupBy(a => a, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new CliUsageException($"--leader {twice.Key} is given twice; name each candidate leader once");
        return addresses;
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

        // Akka parses any integer as a port; one no host can listen on would only ever be "not reachable", retried forever.
        if (path.Address.Port is < 1 or > 65535)
            throw new CliUsageException($"--leader {value} has port {path.Address.Port}; a served leader's port is between 1 and 65535");

        // A typo in the path is answered "nothing here" by a host that is up, and would read as "no leader yet" forever:
        // every gateway has the same path, so say so now. (The system name is not checked: a host that embeds the log,
        // like the demo's devices, names its actor system as it likes.)
        if (!path.Elements.SequenceEqual(GatewayElements, StringComparer.Ordinal))
        {
            throw new CliUsageException(
                $"--leader {value} names no synclog gateway; synclog serve prints its gateway as {path.Address}{SyncLogGateway.Path}");
        }

        if (path.Address.Protocol == "akka.ssl.tcp" && !tls)
            throw new CliUsageException($"--leader {value} is served over TLS (akka.ssl.tcp); add --tls-certificate");
        if (path.Address.Protocol == "akka.tcp" && tls)
            throw new CliUsageException($"--leader {value} is served without TLS (akka.tcp), but --tls-certificate was given; use the akka.ssl.tcp address");
        return value;
    }

    /// <summary>One run of the command: find the leader, start the follower, print its events until it must stop.</summary>
    private sealed class FollowRun(SyncLogHost host, Guid library, IReadOnlyList<string> candidates, bool approveResync, bool json)
    {
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
        private readonly FollowerSettings _settings = host.Settings.Follower;
        private readonly LeaderSearch _search = new(host.System, library, candidates, host.Settings.Follower.AskTimeout);
        private readonly Channel<IFollowerEvent> _events = Channel.CreateUnbounded<IFollowerEvent>();
        private string _lastProgress = "";

        public async Task<int> RunAsync(CancellationToken ct)
        {
            var relay = host.System.ActorOf(FollowerEventRelay.Props(_events.Writer, library), "synclog-follow-events");
            host.System.EventStream.Subscribe(relay, typeof(IFollowerEvent));
            try
            {
                var found = await FindUntilFound(ct);
                var follower = host.StartFollower(library, found.Gateway!);
                if (json)
                    PrintLeader(found);
                else
                    Console.WriteLine($"following library {library} from {found.Address} into {host.Settings.DataDir} as device {host.Settings.DeviceId}; press Ctrl-C to stop");
                return await Loop(follower, found.Gateway!, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
        }

        private async Task<Candidate> FindUntilFound(CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                var found = await Find(ct);
                if (found.Gateway is not null)
                    return found;
                var delay = _settings.Backoff(attempt);
                Print(new FollowerReconnecting(library, attempt, delay, found.Problem));
                await Task.Delay(delay, ct);
            }
        }

        // Whatever goes wrong while looking is "no leader yet" (said, then looked for again with backoff); only a
        // usage error, which no retry can fix, ends the command, and Ctrl-C, which ends it at once.
        private async Task<Candidate> Find(CancellationToken ct)
        {
            try
            {
                return await _search.FindAsync(ct);
            }
            catch (Exception e) when (e is not CliUsageException && !ct.IsCancellationRequested)
            {
                var problem = $"looking for the leader failed: {ErrorReport.OneLine(e.Message)}";
                Console.Error.WriteLine($"synclog: {problem}; looking again");
                return new Candidate("", null, 0, problem);
            }
        }

        private async Task<int> Loop(IActorRef follower, IActorRef gateway, CancellationToken ct)
        {
            var next = _events.Reader.ReadAsync(ct).AsTask();
            Task<Candidate>? finding = null;
            // Lost and not connected since: with several candidates, look for the new leader every tick until found.
            var lost = false;
            while (true)
            {
                var tick = Task.Delay(ProgressInterval, ct);
                var done = await Task.WhenAny(finding is null ? [next, tick] : [next, tick, finding]);
                ct.ThrowIfCancellationRequested();
                if (done == finding)
                {
                    // A leader restarted at the same address is a new actor, and a fail-over makes another candidate
                    // the leader: either way, point the follower at it.
                    var found = await finding;
                    finding = null;
                    if (found.Gateway is not null && !found.Gateway.Equals(gateway))
                    {
                        gateway = found.Gateway;
                        await follower.Ask<FollowingLeader>(new FollowLeader(library, gateway), _settings.AskTimeout, ct);
                        PrintLeader(found);
                    }

                    continue;
                }

                if (done == tick)
                {
                    if (lost && candidates.Count > 1)
                        finding ??= Find(ct);
                    await Progress(follower, ct);
                    continue;
                }

                var e = await next;
                next = _events.Reader.ReadAsync(ct).AsTask();
                Print(e);
                switch (e)
                {
                    case FollowerReconnecting:
                        lost = true;
                        finding ??= Find(ct);
                        break;
                    case FollowerConnected:
                        lost = false;
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
            var state = status.State.ToString().ToLowerInvariant();
            var line = string.Create(CultureInfo.InvariantCulture,
                $"local latest {status.LocalLatestSequence:N0}, leader latest {(status.LeaderLatestSequence is { } l ? l.ToString("N0", CultureInfo.InvariantCulture) : "unknown")}, {state}");
            if (line == _lastProgress)
                return;
            _lastProgress = line;
            if (json)
            {
                Output.WriteJsonLine(new
                {
                    @event = "progress",
                    library_id = library,
                    local_latest_sequence = status.LocalLatestSequence,
                    leader_latest_sequence = status.LeaderLatestSequence,
                    state,
                });
            }
            else
            {
                Console.WriteLine(line);
            }
        }

        // Which candidate is followed, said when there is a choice (several --leader) at the start and on every switch.
        private void PrintLeader(Candidate found)
        {
            if (candidates.Count == 1)
                return;
            if (json)
                Output.WriteJsonLine(new { @event = "following-leader", library_id = library, leader = found.Address, leader_term = found.Term });
            else
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"following {found.Address}: it leads at term {found.Term}"));
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
