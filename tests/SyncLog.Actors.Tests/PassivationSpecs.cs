using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class PassivationSpecs() : SyncLogSpec("synclog.passivate-after = 300ms")
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public async Task An_idle_library_closes_its_file_and_stops_and_the_next_message_reopens_it()
    {
        Lead(_library);
        Assert.Equal(1, AppendOne(_library, Entry()));
        var child = await ChildOf(_library);
        var watcher = CreateTestProbe();
        watcher.Watch(child);

        watcher.ExpectTerminated(child, Patience);

        // The file lock is released: the log can be opened (and closed again) from outside.
        await using (var outside = await SyncLogDb.OpenAsync(_library, DataDir))
            Assert.Equal(1, await outside.LatestSequenceAsync());
        Assert.Equal(2, AppendOne(_library, Entry()));
        var probe = CreateTestProbe();
        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        Assert.Equal(new Leadership(_library, ThisDevice, 1, true), probe.ExpectMsg<Leadership>(Patience));
    }

    [Fact]
    public async Task Messages_sent_while_a_library_passivates_are_served_by_its_next_incarnation()
    {
        Lead(_library);
        AppendOne(_library, Entry());
        var child = await ChildOf(_library);
        var watcher = CreateTestProbe();
        watcher.Watch(child);
        var probe = CreateTestProbe();

        // Passivation starts (as the child itself would ask), and appends keep arriving while it drains and stops.
        Supervisor.Tell(new Passivate(_library), child);
        for (var i = 0; i < 50; i++)
            Supervisor.Tell(new Append(_library, Entry(i)), probe.Ref);

        watcher.ExpectTerminated(child, Patience);
        var sequences = probe.ReceiveN(50, Patience).Cast<Appended>().Select(a => a.Sequence);
        Assert.Equal(Enumerable.Range(2, 50).Select(i => (long)i), sequences);
    }

    [Fact]
    public void Steady_traffic_keeps_a_library_open()
    {
        using var spec = new SlowPassivationSpec();
        spec.Run();
    }

    private Task<IActorRef> ChildOf(Guid library) =>
        Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(library)).ResolveOne(Patience);

    /// <summary>Passivation after 3 s of silence, probed every 100 ms for 4 s: wide margins for a loaded CI machine.</summary>
    private sealed class SlowPassivationSpec() : SyncLogSpec("synclog.passivate-after = 3s")
    {
        public void Run()
        {
            var library = Guid.NewGuid();
            Lead(library);
            var opener = CreateTestProbe();
            Supervisor.Tell(new OpenLibrary(library), opener.Ref);
            opener.ExpectMsg<LibraryOpened>(Patience);
            var child = Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(library)).ResolveOne(Patience).Result;
            var watcher = CreateTestProbe();
            watcher.Watch(child);
            var probe = CreateTestProbe();

            for (var i = 0; i < 40; i++)
            {
                Supervisor.Tell(new GetLatestSequence(library), probe.Ref);
                probe.ExpectMsg<LatestSequence>(Patience);
                watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
            }
        }
    }
}
