using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A follower on a host reachable over the network replicates only what the leader it was told to follow (through the
/// ref <see cref="SyncLogHost.StartFollower"/> returned) pushes: a peer can neither push entries into its feed nor point
/// it at another leader, and a request wrapped with the host's token never leaves the process.
/// </summary>
public sealed class FollowerTrustSpecs : SyncLogSpec, IAsyncLifetime
{
    private readonly Guid _library = Guid.NewGuid();
    private readonly string _followerDir = NewDataDir();
    private readonly SyncLogHost _follower;
    private readonly ActorSystem _peer;

    public FollowerTrustSpecs()
        : base(LoopbackRemoting)
    {
        _follower = SyncLogHost.Start(ConfigFor(_followerDir, OtherDevice, LoopbackRemoting), "follower");
        // A peer speaking the protocol as hosts do (its serializers), to whatever paths it can name.
        _peer = ActorSystem.Create("peer", ConfigurationFactory.ParseString(LoopbackRemoting + "\nakka.loglevel = WARNING").WithFallback(SyncLogConfig.Defaults));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _peer.Terminate();
        await _follower.DisposeAsync();
        if (Directory.Exists(_followerDir))
            Directory.Delete(_followerDir, recursive: true);
    }

    // This host leads the library with `entries` appended; the follower host starts following it over the network.
    private async Task<(TestProbe Probe, IActorRef Leader, IActorRef Follower)> LeadAndFollowAsync(int entries)
    {
        var probe = CreateTestProbe();
        Lead(_library, probe: probe);
        for (var n = 1; n <= entries; n++)
            AppendOne(_library, Entry(n), probe);
        var leader = await Resolve(_follower.System, Sys, Supervisor.Path);
        return (probe, leader, _follower.StartFollower(_library, leader));
    }

    [Fact]
    public async Task A_peer_can_neither_push_entries_into_the_feed_nor_point_the_follower_at_another_leader()
    {
        var (probe, leader, follower) = await LeadAndFollowAsync(entries: 2);
        AwaitStatus(follower, status => status is { State: FollowerState.Following, LocalLatestSequence: 2 });

        // The peer forges the next entry and pushes it at every feed path of the old shape, then
        // tells the follower itself to follow a leader of the peer's.
        var real = ReadAll(_library, probe)[^1];
        var forged = new SubscriptionEntries(_library, [real with { Sequence = 3, RecordId = "forged", Checksum = null }]);
        var followerPath = new RootActorPath(Address(_follower.System)) / follower.Path.Elements;
        var attacker = CreateTestProbe(_peer);
        for (var epoch = 0; epoch < 20; epoch++)
            _peer.ActorSelection(followerPath / $"feed-{epoch}").Tell(forged, attacker.Ref);
        var fakeLeader = CreateTestProbe(_peer);
        _peer.ActorSelection(followerPath).Tell(new FollowLeader(_library, fakeLeader.Ref), attacker.Ref);
        Assert.Contains("SyncLogHost.StartFollower", attacker.ExpectMsg<FollowerRequestRefused>(Patience).Reason);

        var third = AppendOne(_library, Entry(3), probe);
        AwaitStatus(follower, status => status is { State: FollowerState.Following, LocalLatestSequence: 3 });
        var status = await follower.Ask<FollowerStatus>(new GetFollowerStatus(_library), Patience);
        Assert.Equal((leader.Path.ToString(), 1L), (status.Leader, status.LeaderTerm));
        var mirrored = Assert.IsType<Fetched>(await _follower.AskAsync(new FetchSince(_library, 0, 100))).Result.Entries;
        Assert.Equal(ReadAll(_library, probe).Select(e => e with { Id = 0 }), mirrored.Select(e => e with { Id = 0 }));
        Assert.Equal(3, third);
        fakeLeader.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public async Task An_unwrapped_or_forged_follower_request_is_refused_on_a_networked_host_and_the_entrance_is_heard()
    {
        var (_, leader, follower) = await LeadAndFollowAsync(entries: 1);
        var actor = await _follower.System.ActorSelection(follower.Path).ResolveOne(Patience);
        Assert.IsNotType<LocalEntrance>(actor);
        var app = CreateTestProbe(_follower.System);

        // Even from a local sender: the sender proves nothing, only the entrance does.
        foreach (IFollowerRequest request in new IFollowerRequest[] { new FollowLeader(_library, leader), new GetFollowerStatus(_library), new ApproveResync(_library, 1) })
        {
            actor.Tell(request, app.Ref);
            Assert.Contains("SyncLogHost.StartFollower", app.ExpectMsg<FollowerRequestRefused>(Patience).Reason);
        }

        actor.Tell(new LocalFollowerRequest(RandomNumberGenerator.GetBytes(32), new FollowLeader(_library, leader)), app.Ref);
        Assert.Contains("token", app.ExpectMsg<FollowerRequestRefused>(Patience).Reason);

        follower.Tell(new FollowLeader(_library, leader), app.Ref);
        Assert.Equal(leader.Path.ToString(), app.ExpectMsg<FollowingLeader>(Patience).Leader);
        AwaitStatus(follower, status => status is { State: FollowerState.Following, LocalLatestSequence: 1 });
        follower.Tell(new GetFollowerStatus(Guid.NewGuid()), app.Ref);
        app.ExpectMsg<FollowerRequestRefused>(Patience);
    }

    [Fact]
    public async Task A_remote_peer_receives_the_refusal_of_each_follower_request_under_its_stable_manifest()
    {
        var (_, leader, follower) = await LeadAndFollowAsync(entries: 1);
        AwaitStatus(follower, status => status is { State: FollowerState.Following, LocalLatestSequence: 1 });
        var followerPath = new RootActorPath(Address(_follower.System)) / follower.Path.Elements;
        var peer = CreateTestProbe(_peer);

        foreach (IFollowerRequest request in new IFollowerRequest[]
                 {
                     new GetFollowerStatus(_library), new FollowLeader(_library, CreateTestProbe(_peer).Ref), new ApproveResync(_library, 1),
                 })
        {
            Assert.IsType<SyncLogProtocolSerializer>(_peer.Serialization.FindSerializerFor(request));
            _peer.ActorSelection(followerPath).Tell(request, peer.Ref);

            var refused = peer.ExpectMsg<FollowerRequestRefused>(Patience);
            Assert.Equal(_library, refused.LibraryId);
            Assert.Contains("SyncLogHost.StartFollower", refused.Reason);
        }

        Assert.Equal("follower-request-refused-v1", Akka.Serialization.Serialization.ManifestFor(
            _follower.System.Serialization.FindSerializerForType(typeof(FollowerRequestRefused)), new FollowerRequestRefused(_library, "x")));
        Assert.Equal(leader.Path.ToString(), (await follower.Ask<FollowerStatus>(new GetFollowerStatus(_library), Patience)).Leader);
    }

    [Fact]
    public void A_request_wrapped_with_the_hosts_token_cannot_be_serialized()
    {
        var trust = LocalTrust.Get(_follower.System);
        foreach (var wrapped in new[] { trust.WrapAny(new GetStats(_library)), trust.WrapAny(new GetFollowerStatus(_library)) })
        {
            var serializer = _follower.System.Serialization.FindSerializerFor(wrapped);
            Assert.IsType<LocalOnlySerializer>(serializer);
            Assert.Throws<NotSupportedException>(() => serializer.ToBinary(wrapped));
        }
    }

    private void AwaitStatus(IActorRef follower, Func<FollowerStatus, bool> condition) =>
        AwaitCondition(() => condition(follower.Ask<FollowerStatus>(new GetFollowerStatus(_library), Patience).GetAwaiter().GetResult()),
            Patience, TimeSpan.FromMilliseconds(200));

    private static Address Address(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;
}
