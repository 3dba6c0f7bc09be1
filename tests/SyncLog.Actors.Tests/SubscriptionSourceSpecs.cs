using Akka.Streams;
using Akka.Streams.TestKit;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class SubscriptionSourceSpecs() : SyncLogSpec("synclog.passivate-after = 500ms")
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void The_source_emits_the_file_then_live_commits_only_as_downstream_requests()
    {
        Lead(_library);
        for (var i = 0; i < 30; i++)
            AppendOne(_library, Entry(i));
        var probe = SyncLogSource.EntriesAfter(Supervisor, _library, 5, prefetch: 8)
            .RunWith(this.SinkProbe<SyncLogEntry>(), Sys.Materializer());

        probe.Request(3);
        var got = Enumerable.Range(0, 3).Select(_ => probe.ExpectNext(Patience)).ToList();
        Assert.Equal([6L, 7, 8], got.Select(e => e.Sequence));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        probe.Request(100);
        got.AddRange(Enumerable.Range(0, 22).Select(_ => probe.ExpectNext(Patience)));
        AppendOne(_library, Entry(30));
        got.Add(probe.ExpectNext(Patience));
        Assert.Equal(ReadAll(_library).Skip(5), got);
        probe.Cancel();
    }

    [Fact]
    public void Backpressure_holds_the_source_to_its_prefetch_while_the_writer_goes_on()
    {
        Lead(_library);
        var writer = CreateTestProbe();
        Supervisor.Tell(new OpenLibrary(_library), writer.Ref);
        writer.ExpectMsg<LibraryOpened>(Patience);
        var probe = SyncLogSource.EntriesAfter(Supervisor, _library, 0, prefetch: 4)
            .RunWith(this.SinkProbe<SyncLogEntry>(), Sys.Materializer());
        probe.EnsureSubscription();
        Supervisor.Tell(new AppendBatch(_library, Enumerable.Range(0, 500).Select(i => Entry(i)).ToList()), writer.Ref);
        writer.ExpectMsg<BatchAppended>(Patience);

        probe.Request(2);
        Assert.Equal([1L, 2], new[] { probe.ExpectNext(Patience).Sequence, probe.ExpectNext(Patience).Sequence });
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        probe.Request(498);
        var sequences = Enumerable.Range(0, 498).Select(_ => probe.ExpectNext(Patience).Sequence).ToList();
        Assert.Equal(Enumerable.Range(3, 498).Select(i => (long)i), sequences);
        probe.Cancel();
    }

    [Fact]
    public void The_source_fails_with_truncated_when_it_starts_below_the_vacuum_floor()
    {
        Lead(_library);
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        AppendOne(_library, Entry(0, at: old));
        AppendOne(_library, Entry(1, at: old));
        AppendOne(_library, Entry(2));
        var vacuum = CreateTestProbe();
        Supervisor.Tell(new VacuumOldEntries(_library, old.AddHours(1)), vacuum.Ref);
        vacuum.ExpectMsg<Vacuumed>(Patience);

        var probe = SyncLogSource.EntriesAfter(Supervisor, _library, 0).RunWith(this.SinkProbe<SyncLogEntry>(), Sys.Materializer());

        probe.Request(10);
        var error = Assert.IsType<SyncLogSubscriptionEndedException>(ErrorOf(probe));
        Assert.Equal((SubscriptionEndReason.Truncated, 2L), (error.Reason, error.VacuumedThroughSequence));
    }

    [Fact]
    public void The_source_of_an_unknown_library_fails_with_library_not_found()
    {
        var probe = SyncLogSource.EntriesAfter(Supervisor, _library, 0).RunWith(this.SinkProbe<SyncLogEntry>(), Sys.Materializer());

        probe.Request(1);
        Assert.IsType<LibraryNotFoundException>(ErrorOf(probe));
    }

    [Fact]
    public void Cancelling_the_source_unsubscribes_so_the_idle_library_passivates()
    {
        Lead(_library);
        AppendOne(_library, Entry(0));
        var watcher = CreateTestProbe();
        Supervisor.Tell(new Subscribe(_library, 1, watcher.Ref), watcher.Ref);
        watcher.ExpectMsg<SubscriptionStarted>(Patience);
        var library = watcher.LastSender;
        Supervisor.Tell(new Unsubscribe(_library, watcher.Ref), watcher.Ref);
        watcher.ExpectMsg<SubscriptionEnded>(Patience);
        var probe = SyncLogSource.EntriesAfter(Supervisor, _library, 0).RunWith(this.SinkProbe<SyncLogEntry>(), Sys.Materializer());
        probe.Request(1);
        Assert.Equal(1, probe.ExpectNext(Patience).Sequence);
        Watch(library);
        ExpectNoMsg(TimeSpan.FromMilliseconds(1200));

        probe.Cancel();

        ExpectTerminated(library, Patience);
    }

    // ExpectError waits only the default 3 s; under a loaded CI machine the library's refusal can take longer.
    private static Exception ErrorOf(TestSubscriber.ManualProbe<SyncLogEntry> probe) =>
        Assert.IsType<TestSubscriber.OnError>(probe.ExpectEvent(Patience)).Cause;
}
