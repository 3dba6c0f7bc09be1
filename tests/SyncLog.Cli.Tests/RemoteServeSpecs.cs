using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Tests;

/// <summary>
/// A served host and a peer in two actor systems over Akka.Remote on loopback: the peer fetches and follows through the
/// gateway, its writes are refused and write nothing, and with TLS only a peer with an allowed certificate gets in.
/// </summary>
public sealed class RemoteServeSpecs() : Akka.TestKit.Xunit2.TestKit(Remoting.Client(tls: false).WithFallback(Quiet)), IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    // How long a peer that must not get in is given: far longer than a loopback round trip takes.
    private static readonly TimeSpan Shut = TimeSpan.FromSeconds(5);
    private static readonly Config Quiet = ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR");

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "synclog-serve-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SyncLogHost> _hosts = [];
    private readonly List<ActorSystem> _peers = [];

    [Fact]
    public async Task A_peer_fetches_and_is_pushed_entries_across_the_wire_through_the_gateway()
    {
        var library = Guid.NewGuid();
        Seed(library, 3);
        var (host, address) = Serve(allowWrites: true);
        var gateway = await Sys.ActorSelection(address).ResolveOne(Patience);
        var probe = CreateTestProbe();
        var subscriber = CreateTestProbe();

        gateway.Tell(new FetchSince(library, 1, 100), probe.Ref);
        Assert.Equal([2, 3], probe.ExpectMsg<Fetched>(Patience).Result.Entries.Select(e => e.Sequence));
        gateway.Tell(new Subscribe(library, 0, subscriber.Ref, 100), probe.Ref);
        Assert.Equal(3, subscriber.ExpectMsg<SubscriptionStarted>(Patience).LatestSequence);
        var pushed = Receive(subscriber, 3);
        gateway.Tell(new AppendBatch(library, [Entry(4), Entry(5)]), probe.Ref);
        Assert.Equal([4L, 5L], probe.ExpectMsg<BatchAppended>(Patience).Sequences);
        pushed.AddRange(Receive(subscriber, 2));

        Assert.Equal([1, 2, 3, 4, 5], pushed.Select(e => e.Sequence));
        Assert.All(pushed, e => Assert.NotNull(e.Checksum));
        Assert.Equal(Rows(library).Select(r => r.Data), pushed.Select(e => e.Data));
        gateway.Tell(new Unsubscribe(library, subscriber.Ref), probe.Ref);
        Assert.Equal(SubscriptionEndReason.Unsubscribed, subscriber.ExpectMsg<SubscriptionEnded>(Patience).Reason);
        Assert.True(host.Settings.ServeAllowWrites);
    }

    [Fact]
    public async Task A_full_page_of_entries_crosses_the_wire_in_one_reply()
    {
        var library = Guid.NewGuid();
        Seed(library, 0, batch: SyncLogDb.MaxFetchLimit);
        var (_, address) = Serve();
        var gateway = await Sys.ActorSelection(address).ResolveOne(Patience);

        // ~2.5 MB of JSON: far past Akka.Remote's default 128 KB frame, within the served host's.
        var page = await gateway.Ask<Fetched>(new FetchSince(library, 0, SyncLogDb.MaxFetchLimit), Patience);

        Assert.Equal(Enumerable.Range(1, SyncLogDb.MaxFetchLimit).Select(i => (long)i), page.Result.Entries.Select(e => e.Sequence));
    }

    [Theory]
    [InlineData("Append")]
    [InlineData("AppendBatch")]
    [InlineData("LeadershipChanged")]
    [InlineData("Replicate")]
    [InlineData("VacuumOldEntries")]
    public async Task Remote_writes_to_a_served_host_are_refused_and_write_nothing_even_past_the_gateway(string kind)
    {
        var library = Guid.NewGuid();
        Seed(library, 2);
        var before = Rows(library);
        var (host, address) = Serve();
        var gateway = await Sys.ActorSelection(address).ResolveOne(Patience);
        // A peer that knows the supervisor's path sends past the gateway: it is refused as well.
        var supervisor = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(
            ((ExtendedActorSystem)host.System).Provider.DefaultAddress + "/user/" + SyncLogHost.DefaultSupervisorName);
        var probe = CreateTestProbe();

        foreach (var target in new[] { gateway, supervisor })
        {
            target.Tell(Write(kind, library), probe.Ref);
            Assert.Equal(kind, probe.ExpectMsg<RequestNotServed>(Patience).Request);
        }

        gateway.Tell(new GetLeadership(library), probe.Ref);
        Assert.Equal(1, probe.ExpectMsg<Leadership>(Patience).Term);
        await host.DisposeAsync();
        _hosts.Remove(host);
        Assert.Equal(before, Rows(library));
    }

    [Theory]
    [InlineData("Append")]
    [InlineData("LeadershipChanged")]
    [InlineData("VacuumOldEntries")]
    public async Task An_app_that_appends_locally_while_serving_takes_no_writes_from_peers(string kind)
    {
        // The embedded leader: it writes itself (refuse-writes off) and serves followers without serve.allow-writes.
        var library = Guid.NewGuid();
        Seed(library, 2);
        var (host, address) = Serve(refuseWrites: false);
        var gateway = await Sys.ActorSelection(address).ResolveOne(Patience);
        var probe = CreateTestProbe();
        gateway.Tell(new GetLeadership(library), probe.Ref);
        probe.ExpectMsg<Leadership>(Patience);
        var hostAddress = ((ExtendedActorSystem)host.System).Provider.DefaultAddress + "/user/" + SyncLogHost.DefaultSupervisorName;
        var supervisor = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(hostAddress);
        var libraryActor = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(hostAddress + "/" + SyncLogSupervisor.ChildName(library));

        foreach (var target in new[] { gateway, supervisor, libraryActor })
        {
            target.Tell(Write(kind, library), probe.Ref);
            Assert.Equal(kind, probe.ExpectMsg<RequestNotServed>(Patience).Request);
            // Without a sender the write cannot be told apart from a peer's: refused too (its refusal goes to dead letters).
            target.Tell(Write(kind, library), ActorRefs.NoSender);
        }

        // The host's own app still writes, after every write above was handled (one mailbox per library, in order).
        var sequence = await host.Client.AppendAsync(library, Entry(3));
        Assert.Equal(3, sequence);
        var leadership = await host.Client.GetLeadershipAsync(library);
        Assert.Equal(("leader", 1L), (leadership.LeaderDeviceId, leadership.Term));
        await host.DisposeAsync();
        _hosts.Remove(host);
        Assert.Equal([1L, 2L, 3L], Rows(library).Select(r => r.Sequence));
    }

    [Theory]
    [InlineData("Append")]
    [InlineData("LeadershipChanged")]
    [InlineData("VacuumOldEntries")]
    public async Task A_peer_naming_one_of_the_hosts_own_actors_as_its_sender_is_refused_and_writes_nothing(string kind)
    {
        // The embedded leader again: it takes its own writes, so a sender that looks local must not be enough.
        var library = Guid.NewGuid();
        Seed(library, 2);
        var before = Rows(library);
        var (host, address) = Serve(refuseWrites: false);
        var gateway = await Sys.ActorSelection(address).ResolveOne(Patience);
        var probe = CreateTestProbe();
        gateway.Tell(new GetLeadership(library), probe.Ref);
        probe.ExpectMsg<Leadership>(Patience);
        var provider = ((ExtendedActorSystem)Sys).Provider;
        var root = ((ExtendedActorSystem)host.System).Provider.DefaultAddress.ToString();
        var supervisor = provider.ResolveActorRef(root + "/user/" + SyncLogHost.DefaultSupervisorName);
        var libraryActor = provider.ResolveActorRef(root + "/user/" + SyncLogHost.DefaultSupervisorName + "/" + SyncLogSupervisor.ChildName(library));
        // Paths in the served host's own address: Akka.Remote resolves them there to local refs.
        var spoofed = new[] { provider.ResolveActorRef(root + "/user/nobody-here"), provider.ResolveActorRef(root + SyncLogGateway.Path) };

        foreach (var target in new[] { supervisor, libraryActor })
        {
            foreach (var sender in spoofed)
                target.Tell(Write(kind, library), sender);
        }

        // Behind the forged writes in the library's mailbox (one connection, delivered in order).
        gateway.Tell(new GetLeadership(library), probe.Ref);
        var leadership = probe.ExpectMsg<Leadership>(Patience);
        Assert.Equal(("leader", 1L), (leadership.LeaderDeviceId, leadership.Term));
        // The host's own app still writes, right after them.
        Assert.Equal(3, await host.Client.AppendAsync(library, Entry(3)));
        await host.DisposeAsync();
        _hosts.Remove(host);
        var after = Rows(library);
        Assert.Equal(before, after.Take(2));
        Assert.Equal([1L, 2L, 3L], after.Select(r => r.Sequence));
    }

    [Fact]
    public async Task With_tls_only_a_peer_with_an_allowed_certificate_gets_an_answer()
    {
        var library = Guid.NewGuid();
        Seed(library, 1);
        using var served = TestCertificates.Create("synclog-served");
        using var stranger = TestCertificates.Create("synclog-stranger");
        using var friend = TestCertificates.Create("synclog-friend");
        var (_, address) = Serve(served, allowedPeers: [served.Thumbprint, friend.Thumbprint]);

        // The same certificate as the served host, and another one on its allow list.
        foreach (var certificate in new[] { served, friend })
        {
            var peer = Peer(certificate, served.Thumbprint);
            var gateway = await peer.ActorSelection(address).ResolveOne(Patience);
            Assert.Equal(1, (await gateway.Ask<LatestSequence>(new GetLatestSequence(library), Patience)).Sequence);
        }

        // A certificate the host does not know; and no TLS at all, at the same port (a TLS host's address says akka.ssl.tcp).
        Assert.StartsWith("akka.ssl.tcp://", address, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Peer(stranger, served.Thumbprint).ActorSelection(address).ResolveOne(Shut));
        var plain = address.Replace("akka.ssl.tcp://", "akka.tcp://", StringComparison.Ordinal);
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Peer(null, null).ActorSelection(plain).ResolveOne(Shut));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var peer in _peers)
            await peer.Terminate();
        foreach (var host in _hosts)
            await host.DisposeAsync();
        TempDirs.Remove(_dataDir);
    }

    [Theory]
    [InlineData("Append")]
    [InlineData("LeadershipChanged")]
    [InlineData("VacuumOldEntries")]
    public async Task Remote_writes_sent_straight_to_a_library_actor_are_refused_and_write_nothing(string kind)
    {
        var library = Guid.NewGuid();
        Seed(library, 2);
        var before = Rows(library);
        var (host, address) = Serve();
        var gateway = await Sys.ActorSelection(address).ResolveOne(Patience);
        var probe = CreateTestProbe();
        // A served read starts the library's actor, whose path follows from the library id: a peer can name it.
        gateway.Tell(new GetLeadership(library), probe.Ref);
        probe.ExpectMsg<Leadership>(Patience);
        var libraryActor = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(((ExtendedActorSystem)host.System).Provider.DefaultAddress
            + "/user/" + SyncLogHost.DefaultSupervisorName + "/" + SyncLogSupervisor.ChildName(library));

        libraryActor.Tell(Write(kind, library), probe.Ref);

        Assert.Equal(kind, probe.ExpectMsg<RequestNotServed>(Patience).Request);
        gateway.Tell(new GetLeadership(library), probe.Ref);
        var leadership = probe.ExpectMsg<Leadership>(Patience);
        Assert.Equal(("leader", 1L), (leadership.LeaderDeviceId, leadership.Term));
        await host.DisposeAsync();
        _hosts.Remove(host);
        Assert.Equal(before, Rows(library));
    }

    [Fact]
    public async Task A_peer_cannot_replace_a_known_followers_log_through_a_host_served_without_writes()
    {
        var library = Guid.NewGuid();
        Seed(library, 3);
        var (_, address) = Serve();
        var gateway = await Sys.ActorSelection(address).ResolveOne(Patience);
        var probe = CreateTestProbe();
        var phoneLog = Guid.NewGuid();
        gateway.Tell(new AcknowledgeReplicated(library, "phone", phoneLog, 1), probe.Ref);
        probe.ExpectMsg<ReplicationAcknowledged>(Patience);

        // Replacing the phone's log (a reset device) would void the phone's own acks: an admin act, refused here.
        gateway.Tell(new AcknowledgeReplicated(library, "phone", Guid.NewGuid(), 3), probe.Ref);

        Assert.Equal(AcknowledgementRefusalReason.ReplaceNotServed, probe.ExpectMsg<AcknowledgementRefused>(Patience).Reason);
        gateway.Tell(new AcknowledgeReplicated(library, "phone", phoneLog, 2), probe.Ref);
        Assert.Equal(2, probe.ExpectMsg<ReplicationAcknowledged>(Patience).AckedSequence);
    }

    [Fact]
    public async Task A_peer_cannot_teach_a_host_followers_even_where_the_host_itself_takes_writes()
    {
        var library = Guid.NewGuid();
        Seed(library, 3);
        // A follower's host is reachable over Akka.Remote and replicates, so it cannot refuse writes altogether.
        var config = ConfigurationFactory.ParseString("synclog.refuse-writes = off")
            .WithFallback(SyncLogRemoting.Server("127.0.0.1", 0, null, tls: false, allowWrites: false)).WithFallback(HostConfig());
        var host = SyncLogHost.Start(config, SyncLogRemoting.SystemName);
        _hosts.Add(host);
        var probe = CreateTestProbe();
        // The host follows device-x: only a follower learns its leader's followers.
        Assert.IsType<LeadershipAck>(await host.AskAsync(new LeadershipChanged(library, "device-x", 2)));
        var libraryActor = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(((ExtendedActorSystem)host.System).Provider.DefaultAddress
            + "/user/" + SyncLogHost.DefaultSupervisorName + "/" + SyncLogSupervisor.ChildName(library));
        var report = new LearnFollowers(library, "device-x", 2, [new KnownFollower("phone", 0, DateTimeOffset.UtcNow)]);

        libraryActor.Tell(report, probe.Ref);

        Assert.Equal(nameof(LearnFollowers), probe.ExpectMsg<RequestNotServed>(Patience).Request);
        Assert.Empty(Assert.IsType<Stats>(await host.AskAsync(new GetStats(library))).Value.LearnedFollowers!);
        // The host's own follower, in its own process, is heard.
        Assert.Equal(1, Assert.IsType<FollowersLearned>(await host.AskAsync(report)).Count);
        libraryActor.Tell(new GetFollowers(library), probe.Ref);
        Assert.Equal("phone", Assert.Single(probe.ExpectMsg<FollowersFound>(Patience).Followers).DeviceId);
    }

    [Fact]
    public async Task Stats_served_to_a_peer_show_followers_acks_but_not_their_log_ids()
    {
        var library = Guid.NewGuid();
        Seed(library, 3);
        var (host, address) = Serve();
        var gateway = await Sys.ActorSelection(address).ResolveOne(Patience);
        var probe = CreateTestProbe();
        gateway.Tell(new AcknowledgeReplicated(library, "phone", Guid.NewGuid(), 2), probe.Ref);
        probe.ExpectMsg<ReplicationAcknowledged>(Patience);

        gateway.Tell(new GetStats(library), probe.Ref);

        var follower = Assert.Single(probe.ExpectMsg<Stats>(Patience).Value.Followers);
        Assert.Equal(("phone", 2L, Guid.Empty), (follower.DeviceId, follower.AckedSequence, follower.LogId));
        // The host itself still sees the log id.
        var local = Assert.Single((await host.Client.GetStatsAsync(library)).Followers);
        Assert.NotEqual(Guid.Empty, local.LogId);
    }

    [Theory]
    [InlineData("Subscribe")]
    [InlineData("RequestEntries")]
    [InlineData("Unsubscribe")]
    public async Task A_peer_cannot_name_another_systems_actor_as_a_subscriber(string kind)
    {
        var library = Guid.NewGuid();
        Seed(library, 2);
        var (host, address) = Serve(allowWrites: true);
        var gateway = await Sys.ActorSelection(address).ResolveOne(Patience);
        var probe = CreateTestProbe();
        // An actor of the served host's own system, named by its full remote path: the host's supervisor.
        var hosts = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(((ExtendedActorSystem)host.System).Provider.DefaultAddress
            + "/user/" + SyncLogHost.DefaultSupervisorName);
        ILibraryRequest request = kind switch
        {
            "Subscribe" => new Subscribe(library, 0, hosts, 100),
            "RequestEntries" => new RequestEntries(library, hosts, 100),
            _ => new Unsubscribe(library, hosts),
        };

        gateway.Tell(request, probe.Ref);

        var refused = probe.ExpectMsg<RequestNotServed>(Patience);
        Assert.Equal(kind, refused.Request);
        Assert.Contains("not in the sender's actor system", refused.Reason, StringComparison.Ordinal);
    }

    private (SyncLogHost Host, string Gateway) Serve(X509Certificate2? certificate = null, string[]? allowedPeers = null,
        bool allowWrites = false, bool refuseWrites = true)
    {
        var config = SyncLogRemoting.Server("127.0.0.1", 0, null, certificate is not null, allowWrites).WithFallback(HostConfig());
        if (!refuseWrites)
            config = ConfigurationFactory.ParseString("synclog.refuse-writes = off").WithFallback(config);
        var host = SyncLogHost.Start(config, SyncLogRemoting.SystemName, Remoting.Setups(certificate, allowedPeers ?? []));
        _hosts.Add(host);
        host.StartGateway();
        return (host, SyncLogRemoting.GatewayAddress(host.System));
    }

    private ActorSystem Peer(X509Certificate2? certificate, string? servedThumbprint)
    {
        var setup = Akka.Actor.Setup.ActorSystemSetup.Create(Remoting.Setups(certificate, servedThumbprint is null ? [] : [servedThumbprint]))
            .And(BootstrapSetup.Create().WithConfig(Remoting.Client(certificate is not null).WithFallback(Quiet)));
        var peer = ActorSystem.Create("peer", setup);
        _peers.Add(peer);
        return peer;
    }

    private void Seed(Guid library, int count, int batch = 0)
    {
        var host = SyncLogHost.Start(HostConfig(), "seed");
        try
        {
            host.Client.ChangeLeadershipAsync(library, "leader", 1).GetAwaiter().GetResult();
            for (var i = 1; i <= count; i++)
                host.Client.AppendAsync(library, Entry(i)).GetAwaiter().GetResult();
            if (batch > 0)
                host.Client.AppendBatchAsync(library, [.. Enumerable.Range(1, batch).Select(Entry)]).GetAwaiter().GetResult();
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private Config HostConfig() => ConfigurationFactory.ParseString($"""
        synclog.data-dir = {SyncLogConfig.Quote(_dataDir)}
        synclog.data-dir-env = ""
        synclog.device-id = "leader"
        synclog.storage.synchronous = normal
        """).WithFallback(Quiet);

    private List<(long Sequence, string Data)> Rows(Guid library)
    {
        using var db = new SqliteConnection($"Data Source={SyncLogDb.PathFor(library, _dataDir)};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT sequence, data FROM sync_log ORDER BY sequence";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read())
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        return rows;
    }

    private static List<SyncLogEntry> Receive(Akka.TestKit.TestProbe subscriber, int count)
    {
        var entries = new List<SyncLogEntry>();
        while (entries.Count < count)
            entries.AddRange(subscriber.ExpectMsg<SubscriptionEntries>(Patience).Entries);
        return entries;
    }

    private static NewSyncLogEntry Entry(int n) =>
        new("leader", DateTimeOffset.UtcNow, "album", Guid.NewGuid().ToString(), ChangeType.Insert, $$"""{"n":{{n}}}""");

    private static ILibraryRequest Write(string kind, Guid library) => kind switch
    {
        "Append" => new Append(library, Entry(9)),
        "AppendBatch" => new AppendBatch(library, [Entry(9), Entry(10)]),
        "LeadershipChanged" => new LeadershipChanged(library, "intruder", 7),
        "Replicate" => new Replicate(library, [new SyncLogEntry(0, 3, "intruder", DateTimeOffset.UtcNow, "album", "r", ChangeType.Insert, 1, "{}")], 7),
        "VacuumOldEntries" => new VacuumOldEntries(library, DateTimeOffset.UtcNow.AddDays(1)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
