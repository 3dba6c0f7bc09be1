using Akka.Actor;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Every request gets exactly one answer, whatever ends its life: a failed write of any kind, a failed leadership
/// persist, a stop. Faults are real: a SQLite trigger aborting one record, a dropped journal table, an outside
/// transaction holding the writer.
/// </summary>
public sealed class EveryRequestAnsweredSpecs() : SyncLogSpec("synclog.passivate-after = 1h")
{
    private const string Poison = """CREATE TRIGGER inject_fault BEFORE INSERT ON sync_log WHEN NEW.record_id = 'poison' BEGIN SELECT RAISE(ABORT, 'injected fault'); END""";
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void A_failed_replicate_answers_its_sender_the_writes_behind_it_and_the_held_acknowledgement()
    {
        var probe = CreateTestProbe();
        Lead(_library, OtherDevice, 1, probe);
        Supervisor.Tell(new Replicate(_library, [Stored(1)], 1), probe.Ref);
        probe.ExpectMsg<Replicated>(Patience);
        Raw.Execute(LibraryFile(_library), Poison);

        using (var blocker = Raw.Open(LibraryFile(_library)))
        {
            using var transaction = blocker.BeginTransaction(deferred: false);
            Supervisor.Tell(new Replicate(_library, [Stored(2, "poison")], 1), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            Supervisor.Tell(new Append(_library, Entry()), probe.Ref);
            Supervisor.Tell(new LeadershipChanged(_library, OtherDevice, 2), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            transaction.Rollback();
        }

        Assert.Contains("injected fault", probe.ExpectMsg<StorageFailure>(Patience).Reason, StringComparison.Ordinal);
        Assert.Equal(new LeadershipAck(_library, 2), probe.ExpectMsg<LeadershipAck>(Patience));
        Assert.Equal(new NotLeader(_library, OtherDevice, 2), probe.ExpectMsg<NotLeader>(Patience));
        Supervisor.Tell(new Replicate(_library, [Stored(2)], 2), probe.Ref);
        Assert.Equal(new Replicated(_library, 2), probe.ExpectMsg<Replicated>(Patience));
    }

    [Fact]
    public void A_write_that_cannot_be_started_is_answered_like_a_failed_write()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);

        // A stopped storage scheduler refuses new work at once: starting the job throws.
        StorageIo.Get(Sys).Scheduler.Dispose();
        Supervisor.Tell(new Append(_library, Entry(1)), probe.Ref);
        Supervisor.Tell(new Append(_library, Entry(2)), probe.Ref);

        Assert.All(probe.ReceiveN(2, Patience), m => Assert.Contains("write failed", Assert.IsType<StorageFailure>(m).Reason, StringComparison.Ordinal));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, Raw.Count(LibraryFile(_library)));
    }

    [Fact]
    public void A_write_that_fails_while_the_library_passivates_does_not_wedge_it()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);
        Raw.Execute(LibraryFile(_library), Poison);
        var child = ChildOf(_library);
        var watcher = CreateTestProbe();
        watcher.Watch(child);

        using (var blocker = Raw.Open(LibraryFile(_library)))
        {
            using var transaction = blocker.BeginTransaction(deferred: false);
            Supervisor.Tell(new Append(_library, Entry(1, record: "poison")), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            Supervisor.Tell(new Passivate(_library), child);
            // Held by the supervisor until the library has stopped, then served by its next incarnation.
            Supervisor.Tell(new Append(_library, Entry(2)), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            transaction.Rollback();
        }

        Assert.Contains("injected fault", probe.ExpectMsg<StorageFailure>(Patience).Reason, StringComparison.Ordinal);
        watcher.ExpectTerminated(child, Patience);
        Assert.Equal(new Appended(_library, 2), probe.ExpectMsg<Appended>(Patience));
    }

    [Fact]
    public void A_failed_leadership_persist_answers_everyone_and_the_write_in_flight_with_its_real_outcome()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);

        using (var writer = HoldAppendInFlight(_library, probe))
        {
            Supervisor.Tell(new Append(_library, Entry(2)), probe.Ref);
            Raw.Execute(Path.Combine(DataDir, "sync-host.db"), "DROP TABLE journal");
            Supervisor.Tell(new LeadershipChanged(_library, OtherDevice, 2), probe.Ref);

            // The change is answered at once; the appends wait for the one in flight, so their replies stay in order.
            Assert.Contains("sync-host.db", probe.ExpectMsg<StorageFailure>(Patience).Reason, StringComparison.Ordinal);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            writer.Release();
        }

        // It committed, so it is acknowledged as such: a retry would have duplicated it.
        Assert.Equal(new Appended(_library, 2), probe.ExpectMsg<Appended>(Patience));
        probe.ExpectMsg<StorageFailure>(Patience);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(2, Raw.Count(LibraryFile(_library)));
    }

    [Fact]
    public void A_library_that_stops_answers_everything_it_held_and_the_write_in_flight_with_its_outcome()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);
        var child = ChildOf(_library);

        using (var writer = HoldAppendInFlight(_library, probe))
        {
            for (var i = 2; i <= 4; i++)
                Supervisor.Tell(new Append(_library, Entry(i)), probe.Ref);
            // Recorded at once, acknowledged only after the term-1 write: held when the library stops.
            Supervisor.Tell(new LeadershipChanged(_library, ThisDevice, 2), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            child.Tell(PoisonPill.Instance);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            writer.Release();
        }

        // The write in flight committed and says so, then the acknowledgement it held, then what it never wrote.
        Assert.Equal(new Appended(_library, 2), probe.ExpectMsg<Appended>(Patience));
        Assert.Equal(new LeadershipAck(_library, 2), probe.ExpectMsg<LeadershipAck>(Patience));
        Assert.All(probe.ReceiveN(3, Patience), m => Assert.Contains("stopped", Assert.IsType<StorageFailure>(m).Reason, StringComparison.Ordinal));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(3, AppendOne(_library, Entry(5), probe));
    }

    [Fact]
    public void Requests_held_for_a_passivating_library_are_answered_when_the_host_stops_before_it_is_gone()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);
        var child = ChildOf(_library);
        var watcher = CreateTestProbe();
        watcher.Watch(Supervisor);

        using (var writer = HoldAppendInFlight(_library, probe))
        {
            Supervisor.Tell(new Passivate(_library), child);
            // Held by the supervisor until the library is gone; the host stops first.
            Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);
            Supervisor.Tell(new Append(_library, Entry(2)), probe.Ref);
            Supervisor.Tell(PoisonPill.Instance);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            writer.Release();
        }

        Assert.Equal(new Appended(_library, 2), probe.ExpectMsg<Appended>(Patience));
        watcher.ExpectTerminated(Supervisor, Patience);
        Assert.All(probe.ReceiveN(2, Patience), m => Assert.Contains("stopped", Assert.IsType<StorageFailure>(m).Reason, StringComparison.Ordinal));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_request_whose_handler_throws_is_answered_once_and_the_library_restarts()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        var seam = LogWriterSeam.Get(Sys);
        var failures = 1;
        seam.BeforeHandling = (_, message) =>
        {
            if (message is GetLeadership && Interlocked.Decrement(ref failures) >= 0)
                throw new InvalidOperationException("injected handler bug");
        };

        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        Assert.Contains("injected handler bug", probe.ExpectMsg<StorageFailure>(Patience).Reason, StringComparison.Ordinal);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        Assert.True(probe.ExpectMsg<Leadership>(Patience).IsThisDevice);
    }

    [Fact]
    public void A_handler_that_throws_after_answering_or_holding_its_request_does_not_answer_it_twice()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);
        var seam = LogWriterSeam.Get(Sys);
        var failures = 2;
        seam.AfterHandling = (_, message) =>
        {
            if (message is GetLeadership or AppendBatch && Interlocked.Decrement(ref failures) >= 0)
                throw new InvalidOperationException("injected handler bug");
        };

        // Answered directly, then the bug: one reply.
        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        probe.ExpectMsg<Leadership>(Patience);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        using (var writer = HoldAppendInFlight(_library, probe))
        {
            // Held by the pipeline behind the write in flight, then the bug: answered once, by the restart.
            Supervisor.Tell(new AppendBatch(_library, [Entry(2)]), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            writer.Release();
        }

        Assert.Equal(new Appended(_library, 2), probe.ExpectMsg<Appended>(Patience));
        probe.ExpectMsg<StorageFailure>(Patience);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_library_restarted_until_it_is_stopped_answers_every_stashed_and_dead_lettered_request_once()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);
        var first = ChildOf(_library);
        var watcher = CreateTestProbe();
        watcher.Watch(first);
        first.Tell(PoisonPill.Instance);
        watcher.ExpectTerminated(first, Patience);

        // Every incarnation fails as its file opens (a bug): restarted, again and again, then stopped.
        LogWriterSeam.Get(Sys).Wrap = (_, _) => throw new InvalidOperationException("injected bug on open");
        var sent = 0;
        Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);
        sent++;
        var looping = ChildOf(_library);
        watcher.Watch(looping);
        for (var i = 0; i < 500 && !watcher.HasMessages; i++)
        {
            // Stashed by one incarnation or still in the mailbox when the last one stops (dead letters).
            looping.Tell(i % 2 == 0 ? new GetLatestSequence(_library) : new Append(_library, Entry(i)), probe.Ref);
            sent++;
            await Task.Delay(5);
        }

        watcher.ExpectTerminated(looping, Patience);
        for (var i = 0; i < 5; i++)
        {
            looping.Tell(new Append(_library, Entry(i)), probe.Ref);
            sent++;
        }

        Assert.All(probe.ReceiveN(sent, Patience), m => Assert.IsType<StorageFailure>(m));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        LogWriterSeam.Get(Sys).Wrap = null;
    }

    // Identify queues behind a restarting child's mailbox and dies with it if the child stops meanwhile, so a short
    // resolve retried by the caller finds a live incarnation where one long resolve could wait for a dead one.
    private IActorRef ChildOf(Guid library)
    {
        IActorRef child = ActorRefs.Nobody;
        AwaitAssert(() => child = Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(library))
            .ResolveOne(TimeSpan.FromSeconds(2)).GetAwaiter().GetResult(), Patience, TimeSpan.FromMilliseconds(20));
        return child;
    }

    private static SyncLogEntry Stored(long sequence, string? record = null) =>
        new(0, sequence, OtherDevice, DateTimeOffset.UtcNow, "album", record ?? $"r{sequence}", ChangeType.Insert, 1, $$"""{"n":{{sequence}}}""");
}
