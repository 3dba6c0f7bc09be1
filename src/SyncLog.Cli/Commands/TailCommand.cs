using System.CommandLine;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog tail</c>: the last entries of a library; with <c>--follow</c>, new ones as they are committed: pushed by a
/// served host (<c>--leader</c>, or the <c>synclog serve</c> running on the data dir, found through its
/// <see cref="ServeFile"/>), else polled from the data dir every <c>--interval</c>.
/// </summary>
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
            Description = "How often --follow polls the data dir when no synclog serve runs on it (1s to 1d, e.g. 5s)",
            DefaultValueFactory = _ => "1s",
        };
        var leader = new Option<string?>("--leader")
        {
            Description = "Follow through a served host's gateway, as synclog serve prints it (akka.tcp://synclog@host:port/user/synclog-gateway), instead of a data dir",
        };
        var bindHost = new Option<string>("--bind-host")
        {
            Description = "With --leader: address to listen on for the served host's pushes (the default, loopback, reaches a host on this machine only)",
            DefaultValueFactory = _ => Remoting.Loopback,
        };
        var publicHost = new Option<string?>("--public-host") { Description = "With --leader: host name the served host reaches this tail at (needed with a wildcard --bind-host such as 0.0.0.0)" };
        var tlsOptions = TlsOptions.ForPeer("tail");
        var command = new Command("tail", "Show the last entries of a library") { library, count, follow, interval, leader, bindHost, publicHost };
        tlsOptions.AddTo(command);
        cli.DescribeDataDir(command, $"{GlobalOptions.DefaultDataDir}; not with --leader");
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(count);
            // 0 would print only a header: nothing coherent to show, so it is refused like any other out-of-range count.
            if (n is < 1 or > SyncLogDb.MaxFetchLimit)
                throw new CliUsageException($"--lines must be between 1 and {SyncLogDb.MaxFetchLimit}, got {n}");
            var period = DurationText.Parse(parse.GetValue(interval)!, "--interval", ShortestInterval, TimeSpan.FromDays(1));
            var following = parse.GetValue(follow);
            var intervalGiven = parse.GetResult(interval) is { Implicit: false };
            if (!following && intervalGiven)
                throw new CliUsageException("--interval only applies with --follow; add --follow or leave it out");
            var served = parse.GetResult(leader) is not null;
            if (!following && (served || tlsOptions.Given(parse)))
                throw new CliUsageException($"{(served ? "--leader" : "--tls-certificate")} only applies with --follow; add --follow or leave it out");
            if (served && intervalGiven)
                throw new CliUsageException("--interval does not apply with --leader: the served host pushes entries, nothing is polled");
            if (served && cli.ExplicitDataDir(parse) is not null)
            {
                throw new CliUsageException(
                    "--data-dir does not apply with --leader: tail reads the served host, not a data dir (tail --follow --data-dir uses the synclog serve running on that data dir by itself)");
            }

            var hostsGiven = parse.GetResult(bindHost) is { Implicit: false } || parse.GetResult(publicHost) is not null;
            if (hostsGiven && !served)
                throw new CliUsageException("--bind-host and --public-host only apply with --leader (a served data dir is followed on this machine)");
            var (listenHost, advertised) = Remoting.Hosts(parse.GetValue(bindHost), parse.GetValue(publicHost), parse.GetResult(publicHost) is not null);
            using var tls = tlsOptions.Load(parse);
            var tail = new Tail(cli, parse, parse.GetValue(library), n, period, parse.GetValue(interval)!, tls, listenHost, advertised);
            if (!following)
                return await cli.ReadAsync(parse, tail.PrintLastAsync);
            try
            {
                return served
                    ? await tail.FollowLeaderAsync(FollowCommand.LeaderAddress(parse.GetValue(leader), tls is not null), ct)
                    : await tail.FollowDataDirAsync(ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // --follow runs until Ctrl-C, like serve: the user ending it is its normal end, at any point (exit 0).
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary>One run of the command, with its checked options.</summary>
    private sealed class Tail(CliHost cli, ParseResult parse, Guid library, int lines, TimeSpan period, string periodText, TlsIdentity? tls,
        string listenHost, string? advertised)
    {
        private readonly bool _verbose = cli.Verbose(parse);
        private readonly TailPrinter _printer = new(cli.Json(parse));

        public async Task<int> PrintLastAsync(SyncLogHost host)
        {
            CliHost.RequireLibrary(host, library);
            await StartAsync(host, CancellationToken.None);
            return ExitCodes.Ok;
        }

        /// <summary>
        /// <c>--leader</c>: everything through the served host, which pushes each commit. When the host goes away the tail
        /// says so once and reconnects with the follower's backoff (<c>synclog.follower.backoff-*</c>), going on after the
        /// last entry it printed.
        /// </summary>
        public async Task<int> FollowLeaderAsync(string address, CancellationToken ct)
        {
            var settings = cli.Settings(parse).Follower;
            var system = cli.StartPeer(parse, tls, listenHost, advertised);
            Remoting.WarnIfUnreachable(listenHost, advertised);
            try
            {
                var remote = new RemoteTail(system, address, library, settings, _printer);
                var started = false;
                // One line per outage: a host shutting down can be reached again for a moment and lost once more.
                long? reportedAt = null;
                for (var attempt = 1; ; attempt++)
                {
                    var gateway = await remote.TryResolveAsync();
                    var latest = gateway is null ? null : await remote.TryLatestAsync(gateway, ct);
                    if (gateway is null || latest is null)
                    {
                        if (!started && attempt == 1)
                            Say($"the served host at {address} does not answer; retrying until it does");
                        else if (_verbose)
                            Say($"the served host at {address} does not answer (attempt {attempt}); retrying");
                        await Task.Delay(settings.Backoff(attempt), ct);
                        continue;
                    }

                    if (!started)
                    {
                        _printer.Start(Math.Max(0, latest.Value - lines));
                        started = true;
                    }
                    else if (_verbose)
                    {
                        Say($"reconnected to {address}; going on after sequence {_printer.Since}");
                    }

                    if (await remote.FollowAsync(gateway, ct) is not { } lost)
                        return ExitCodes.Ok;
                    if (reportedAt != _printer.Since || _verbose)
                        Say($"lost the served host at {address} ({lost}); reconnecting");
                    reportedAt = _printer.Since;
                    attempt = 0;
                }
            }
            finally
            {
                await system.Terminate();
            }
        }

        /// <summary>
        /// Without <c>--leader</c>: pushed by the <c>synclog serve</c> running on the data dir when its <c>serve.json</c>
        /// names one that answers (over TLS when it serves with TLS and <c>--tls-certificate</c> is given), else polled
        /// from the data dir. A tail that loses its served host goes on polling from where it was, for the rest of the run.
        /// </summary>
        public async Task<int> FollowDataDirAsync(CancellationToken ct)
        {
            var dataDir = cli.Settings(parse, readOnly: true).DataDir;
            DataDirCheck.RequireReadable(dataDir);
            DataDirCheck.RequireLibrary(dataDir, library);
            var (started, reason) = await TryPushedAsync(dataDir, ct);
            if (ct.IsCancellationRequested)
                return ExitCodes.Ok;
            if (!started && _verbose)
                Say($"polling the data dir every {periodText} ({reason})");
            return await cli.ReadAsync(parse, async host =>
            {
                // After a lost served host, at once: what it committed last may not have been pushed yet.
                if (started)
                    await PrintNewAsync(host, ct);
                else
                    await StartAsync(host, ct);
                while (true)
                {
                    await Task.Delay(period, ct);
                    await PrintNewAsync(host, ct);
                }
            });
        }

        // Follows the served host serve.json names, if it can; true once anything was printed (the tail then goes on
        // polling after a loss), else false and why it could not.
        private async Task<(bool Started, string Reason)> TryPushedAsync(string dataDir, CancellationToken ct)
        {
            var lookup = ServeFile.Find(dataDir);
            if (lookup.Broken)
                Say($"{lookup.Note}; ignoring it");
            if (lookup.Found is not { } served)
                return (false, lookup.Note);
            if (served.Tls && tls is null)
                return (false, $"{lookup.Note}, served with TLS: add --tls-certificate to be pushed its entries");
            if (!served.Tls && tls is not null)
                return (false, $"{lookup.Note}, served without TLS, but --tls-certificate was given");
            var system = cli.StartPeer(parse, tls, listenHost, advertised);
            Remoting.WarnIfUnreachable(listenHost, advertised);
            try
            {
                var remote = new RemoteTail(system, served.Gateway, library, cli.Settings(parse).Follower, _printer);
                var gateway = await remote.TryResolveAsync();
                var latest = gateway is null ? null : await remote.TryLatestAsync(gateway, ct);
                if (gateway is null || latest is null)
                    return (false, $"{lookup.Note}, which does not answer");
                if (_verbose)
                    Say($"entries pushed by the served host at {served.Gateway} ({ServeFile.PathIn(dataDir)})");
                _printer.Start(Math.Max(0, latest.Value - lines));
                if (await remote.FollowAsync(gateway, ct) is { } lost)
                    Say($"lost the served host at {served.Gateway} ({lost}); polling the data dir every {periodText}");
                return (true, "");
            }
            finally
            {
                await system.Terminate();
            }
        }

        // The header and the last lines, from the data dir.
        private async Task StartAsync(SyncLogHost host, CancellationToken ct)
        {
            var latest = Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(library), ct: ct)).Sequence;
            _printer.Start(Math.Max(0, latest - lines));
            await PrintNewAsync(host, ct);
        }

        private async Task PrintNewAsync(SyncLogHost host, CancellationToken ct)
        {
            while (true)
            {
                var page = Replies.Expect<Fetched>(await host.AskAsync(new FetchSince(library, _printer.Since, 1000), ct: ct)).Result;
                if (page.IsTruncated)
                {
                    _printer.Vacuumed(page.VacuumedThroughSequence);
                    continue;
                }

                foreach (var entry in page.Entries)
                    _printer.Print(entry);
                if (page.Entries.Count == 0 || !page.HasMore)
                    return;
            }
        }

        private static void Say(string line) => Console.Error.WriteLine($"synclog: {line}");
    }
}
