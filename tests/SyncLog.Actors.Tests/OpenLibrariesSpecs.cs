using Akka.Actor;
using Akka.TestKit;

namespace SyncLog.Actors.Tests;

/// <summary>
/// <c>synclog.max-open-libraries</c>: the cap on live library actors holds, the least recently used library makes room
/// (one without live subscribers first), stray subscription traffic opens nothing, and requests of a library waiting for
/// a slot are all answered, in order, once it gets one.
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

    [Fact]
    public async Task A_library_without_subscribers_makes_room_before_a_less_recently_used_one_with_a_live_subscriber()
    {
        var (subscribed, idle, newcomer) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Lead(subscribed);
        AppendOne(subscribed, Entry());
        var subscriber = Subscribe(subscribed);
        subscriber.ExpectMsg<SubscriptionEntries>(Patience);
        Lead(idle);
        var idleChild = await ChildOf(idle);
        var watcher = CreateTestProbe();
        watcher.Watch(idleChild);

        // `subscribed` is the least recently used (pushing entries is not use), yet stopping it would end a live tail.
        Lead(newcomer);

        watcher.ExpectTerminated(idleChild, Patience);
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task When_every_open_library_has_subscribers_the_least_recently_used_one_makes_room_and_says_so()
    {
        var (first, second, newcomer) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Lead(first);
        AppendOne(first, Entry());
        var firstSubscriber = Subscribe(first);
        firstSubscriber.ExpectMsg<SubscriptionEntries>(Patience);
        Lead(second);
        AppendOne(second, Entry());
        var secondSubscriber = Subscribe(second);
        secondSubscriber.ExpectMsg<SubscriptionEntries>(Patience);
        var secondChild = await ChildOf(second);

        Lead(newcomer);

        var ended = firstSubscriber.ExpectMsg<SubscriptionEnded>(Patience);
        Assert.Equal(SubscriptionEndReason.LibraryStopped, ended.Reason);
        secondSubscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(secondChild, await ChildOf(second));
    }

    [Fact]
    public async Task Demand_or_an_unsubscribe_for_a_library_with_no_actor_neither_opens_it_nor_makes_room_for_it()
    {
        var (a, b, closed) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Lead(a);
        Lead(b);
        var watcher = CreateTestProbe();
        watcher.Watch(await ChildOf(a));
        watcher.Watch(await ChildOf(b));
        var stream = CreateTestProbe();

        // What a stream sends just after its subscription ended with its library: nothing is left to serve it.
        Supervisor.Tell(new RequestEntries(closed, stream.Ref, 16), stream.Ref);
        Supervisor.Tell(new Unsubscribe(closed, stream.Ref), stream.Ref);

        watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        stream.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, await OpenChildren());
        Assert.False(File.Exists(LibraryFile(closed)));
    }

    // A live subscription with unbounded demand, from the start of the log (which must exist).
    private TestProbe Subscribe(Guid library)
    {
        var subscriber = CreateTestProbe();
        Supervisor.Tell(new Subscribe(library, 0, subscriber.Ref, long.MaxValue), subscriber.Ref);
        subscriber.ExpectMsg<SubscriptionStarted>(Patience);
        return subscriber;
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
