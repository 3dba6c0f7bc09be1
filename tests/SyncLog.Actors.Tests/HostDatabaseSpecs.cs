using Akka.Actor;

namespace SyncLog.Actors.Tests;

/// <summary>A damaged leadership database (<c>sync-host.db</c>) at start: every request is refused at once, naming it.</summary>
public sealed class DamagedHostDatabaseAtStartSpecs() : SyncLogSpec(dataDir: WithGarbageHostDb())
{
    [Fact]
    public void Every_request_is_a_storage_failure_naming_the_host_database_without_waiting_for_recovery()
    {
        var library = Guid.NewGuid();
        var probe = CreateTestProbe();

        for (var i = 0; i < 20; i++)
            Supervisor.Tell(i % 2 == 0 ? new GetLeadership(library) : new Append(library, Entry(i)), probe.Ref);

        // Well inside the recovery timeout (20s): the supervisor found the damage before any library started.
        var replies = probe.ReceiveN(20, TimeSpan.FromSeconds(5));
        Assert.All(replies, r => Assert.Contains("sync-host.db", Assert.IsType<StorageFailure>(r).Reason, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(DataDir, "libraries", library.ToString())));
    }

    private static string WithGarbageHostDb()
    {
        var dataDir = NewDataDir();
        Directory.CreateDirectory(dataDir);
        File.WriteAllText(Path.Combine(dataDir, "sync-host.db"), new string('#', 8192));
        return dataDir;
    }
}

/// <summary>A leadership database damaged while the host runs: recovery gives up after its timeout and answers everyone.</summary>
public sealed class DamagedHostDatabaseAtRunTimeSpecs()
    : SyncLogSpec("synclog.persistence.journal.recovery-event-timeout = 3s")
{
    [Fact]
    public void A_leadership_journal_that_cannot_be_replayed_is_a_storage_failure_for_every_caller_not_a_timeout()
    {
        var library = Guid.NewGuid();
        var probe = CreateTestProbe();
        // Damaged only once the supervisor has started (its start-time probe found nothing wrong): Identify is
        // answered after PreStart.
        Supervisor.Tell(new Identify(1), probe.Ref);
        probe.ExpectMsg<ActorIdentity>(Patience);
        File.WriteAllText(Path.Combine(DataDir, "sync-host.db"), new string('#', 8192));

        EventFilter.Error(contains: "could not be replayed").Expect(1, Patience, () =>
        {
            for (var i = 0; i < 20; i++)
                Supervisor.Tell(i % 2 == 0 ? new GetLeadership(library) : new Append(library, Entry(i)), probe.Ref);
            var replies = probe.ReceiveN(20, Patience);
            Assert.All(replies, r => Assert.Contains("sync-host.db", Assert.IsType<StorageFailure>(r).Reason, StringComparison.Ordinal));
        });
    }
}
