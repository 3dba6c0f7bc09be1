using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>The gateway a served host exposes serves reads and following and refuses every write, writing nothing.</summary>
public sealed class GatewaySpecs : SyncLogSpec
{
    public static TheoryData<string> WriteRequests() => ["Append", "AppendBatch", "LeadershipChanged", "Replicate", "ResyncFrom",
        "VacuumOldEntries", "OpenLibrary", "ForgetFollower", "LearnFollowers"];

    [Theory]
    [MemberData(nameof(WriteRequests))]
    public void Writes_and_admin_requests_through_the_gateway_are_refused_and_write_nothing(string kind)
    {
        var library = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        var probe = CreateTestProbe();
        Lead(library, probe: probe);
        AppendOne(library, Entry(1), probe);
        var gateway = Host.StartGateway();

        foreach (var id in new[] { library, fresh })
        {
            gateway.Tell(WriteRequest(kind, id), probe.Ref);
            var refused = probe.ExpectMsg<RequestNotServed>(Patience);
            Assert.Equal((id, kind), (refused.LibraryId, refused.Request));
            Assert.Contains("allow-writes", refused.Reason, StringComparison.Ordinal);
        }

        Assert.Equal([1], ReadAll(library, probe).Select(e => e.Sequence));
        Supervisor.Tell(new GetLeadership(library), probe.Ref);
        Assert.Equal(1, probe.ExpectMsg<Leadership>(Patience).Term);
        Assert.False(File.Exists(LibraryFile(fresh)));
    }

    [Fact]
    public void Reads_and_subscriptions_go_through_the_gateway_with_replies_straight_to_the_asker()
    {
        var library = Guid.NewGuid();
        var probe = CreateTestProbe();
        var subscriber = CreateTestProbe();
        Lead(library, probe: probe);
        AppendOne(library, Entry(1), probe);
        var gateway = Host.StartGateway();

        gateway.Tell(new FetchSince(library, 0, 10), probe.Ref);
        Assert.Single(probe.ExpectMsg<Fetched>(Patience).Result.Entries);
        gateway.Tell(new GetChainHead(library), probe.Ref);
        Assert.Equal(1, probe.ExpectMsg<ChainHeadFound>(Patience).Head.Sequence);
        gateway.Tell(new Subscribe(library, 0, subscriber.Ref), probe.Ref);
        subscriber.ExpectMsg<SubscriptionStarted>(Patience);
        gateway.Tell(new RequestEntries(library, subscriber.Ref, 5), probe.Ref);
        Assert.Equal(1, Assert.Single(subscriber.ExpectMsg<SubscriptionEntries>(Patience).Entries).Sequence);
        AppendOne(library, Entry(2), probe);
        Assert.Equal(2, Assert.Single(subscriber.ExpectMsg<SubscriptionEntries>(Patience).Entries).Sequence);
        gateway.Tell(new Unsubscribe(library, subscriber.Ref), probe.Ref);
        subscriber.ExpectMsg<SubscriptionEnded>(Patience);
    }

    [Fact]
    public void Anything_that_is_not_a_library_request_is_ignored()
    {
        var gateway = Host.StartGateway();
        var probe = CreateTestProbe();

        gateway.Tell("hello", probe.Ref);
        gateway.Tell(new Appended(Guid.NewGuid(), 1), probe.Ref);

        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    internal static ILibraryRequest WriteRequest(string kind, Guid library) => kind switch
    {
        "Append" => new Append(library, Entry(9)),
        "AppendBatch" => new AppendBatch(library, [Entry(9), Entry(10)]),
        "LeadershipChanged" => new LeadershipChanged(library, OtherDevice, 7),
        "Replicate" => new Replicate(library, [new SyncLogEntry(0, 2, OtherDevice, DateTimeOffset.UtcNow, "album", "r", ChangeType.Insert, 1, "{}")], 7),
        "ResyncFrom" => new ResyncFrom(library, 100),
        "VacuumOldEntries" => new VacuumOldEntries(library, DateTimeOffset.UtcNow.AddDays(1)),
        "OpenLibrary" => new OpenLibrary(library),
        "ForgetFollower" => new ForgetFollower(library, OtherDevice),
        "LearnFollowers" => new LearnFollowers(library, OtherDevice, 1, [new KnownFollower("phone", 0, DateTimeOffset.UtcNow)]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
