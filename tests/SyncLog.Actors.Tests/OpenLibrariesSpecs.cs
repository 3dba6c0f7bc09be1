using Akka.Actor;

namespace SyncLog.Actors.Tests;

/// <summary>
/// <c>synclog.max-open-libraries</c>: the cap on live library actors holds, the least recently used library makes room,
/// and requests of a library waiting for a slot are all answered, in order, once it gets one.
/// </summary>
public sealed class OpenLibrariesSpecs() : SyncLogSpec("""
    synclog.max-open-libraries = 2
    synclog.max-open-libraries-wait = 30s
    synclog.passivate-after = 1h
    """)
{
    [Fact]
    public async Task The_least_recently_used_library_passivates_to_make_room_and_the_cap_holds()
    {
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Lead(a);
        Lead(b);
        var childA = await ChildOf(a);
        var childB = await ChildOf(b);
        var watcher = CreateTestProbe();
        watcher.Watch(childA);
        watcher.Watch(childB);

        // a is used again after b: b is now the least recently used.
        AppendOne(a, Entry());
        Lead(c);

        watcher.ExpectTerminated(childB, Patience);
        watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(childA, await ChildOf(a));
        Assert.Equal(2, await OpenChildren());
    }

    [Fact]
    public async Task Requests_of_libraries_waiting_for_a_slot_are_all_answered_in_order()
    {
        var libraries = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var probes = libraries.Select(_ => CreateTestProbe()).ToArray();
        for (var i = 0; i < libraries.Length; i++)
            Lead(libraries[i], probe: probes[i]);

        // Interleaved traffic to four libraries through two slots: each keeps passivating to let another in.
        const int perLibrary = 25;
        for (var n = 0; n < perLibrary; n++)
        {
            for (var i = 0; i < libraries.Length; i++)
                Supervisor.Tell(new Append(libraries[i], Entry(n)), probes[i].Ref);
        }

        for (var i = 0; i < libraries.Length; i++)
        {
            var sequences = probes[i].ReceiveN(perLibrary, Patience).Cast<Appended>().Select(x => x.Sequence);
            Assert.Equal(Enumerable.Range(1, perLibrary).Select(s => (long)s), sequences);
        }

        foreach (var library in libraries)
            Assert.Equal(perLibrary, ReadAll(library).Count);
        Assert.InRange(await OpenChildren(), 1, 2);
    }

    private Task<IActorRef> ChildOf(Guid library) =>
        Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(library)).ResolveOne(Patience);

    // Live library actors, counted by asking every child of the supervisor who it is.
    private async Task<int> OpenChildren()
    {
        var probe = CreateTestProbe();
        Sys.ActorSelection(Supervisor.Path / "library-*").Tell(new Identify("count"), probe.Ref);
        var count = 0;
        while (await probe.ReceiveOneAsync(TimeSpan.FromMilliseconds(500)) is ActorIdentity { Subject: not null })
            count++;
        return count;
    }
}
