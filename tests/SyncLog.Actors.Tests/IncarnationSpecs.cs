using Akka.Actor;

namespace SyncLog.Actors.Tests;

/// <summary>Work started by one incarnation of a library actor is answered, but never counted by the next one.</summary>
public sealed class IncarnationSpecs() : SyncLogSpec("synclog.passivate-after = 500ms")
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public async Task A_vacuum_that_ends_after_a_restart_is_answered_and_the_new_incarnation_still_passivates()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(), probe);
        var child = await Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(_library)).ResolveOne(Patience);
        var watcher = CreateTestProbe();
        watcher.Watch(child);

        using (var blocker = Raw.Open(LibraryFile(_library)))
        {
            // The vacuum waits for the write lock, so it is still running when the actor restarts.
            using var transaction = blocker.BeginTransaction(deferred: false);
            Supervisor.Tell(new VacuumOldEntries(_library, DateTimeOffset.UtcNow), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            child.Tell(Kill.Instance);
            watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            transaction.Rollback();
        }

        var reply = probe.ExpectMsg<object>(Patience);
        Assert.True(reply is Vacuumed or StorageFailure, $"unexpected {reply}");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        // Its completion reached the restarted incarnation, whose counters it must not touch: idle, it passivates.
        watcher.ExpectTerminated(child, Patience);
    }
}
