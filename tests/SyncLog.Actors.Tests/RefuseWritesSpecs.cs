using Akka.Actor;

namespace SyncLog.Actors.Tests;

/// <summary>A host with <c>synclog.refuse-writes</c> refuses writes sent straight to its supervisor, past any gateway.</summary>
public sealed class RefuseWritesSpecs() : SyncLogSpec("synclog.refuse-writes = on")
{
    [Theory]
    [MemberData(nameof(GatewaySpecs.WriteRequests), MemberType = typeof(GatewaySpecs))]
    public void Writes_sent_to_the_supervisor_itself_are_refused_and_create_nothing(string kind)
    {
        var library = Guid.NewGuid();
        var probe = CreateTestProbe();

        Supervisor.Tell(GatewaySpecs.WriteRequest(kind, library), probe.Ref);

        Assert.Equal(kind, probe.ExpectMsg<RequestNotServed>(Patience).Request);
        Supervisor.Tell(new FetchSince(library, 0, 10), probe.Ref);
        probe.ExpectMsg<LibraryNotFound>(Patience);
        Assert.False(File.Exists(LibraryFile(library)));
    }

    [Theory]
    [MemberData(nameof(GatewaySpecs.WriteRequests), MemberType = typeof(GatewaySpecs))]
    public async Task Writes_sent_straight_to_a_library_actor_past_the_supervisor_are_refused_and_create_nothing(string kind)
    {
        var library = Guid.NewGuid();
        var probe = CreateTestProbe();
        // A read starts the library's actor; its path follows from the library id, so a remote peer can name it.
        Supervisor.Tell(new FetchSince(library, 0, 10), probe.Ref);
        probe.ExpectMsg<LibraryNotFound>(Patience);
        var libraryActor = await Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(library)).ResolveOne(Patience);

        libraryActor.Tell(GatewaySpecs.WriteRequest(kind, library), probe.Ref);

        Assert.Equal(kind, probe.ExpectMsg<RequestNotServed>(Patience).Request);
        Supervisor.Tell(new GetLeadership(library), probe.Ref);
        Assert.Equal(0, probe.ExpectMsg<Leadership>(Patience).Term);
        Assert.False(File.Exists(LibraryFile(library)));
    }
}
