using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class IsolationSpecs : SyncLogSpec
{
    [Fact]
    public void A_corrupt_library_answers_every_sender_with_a_failure_while_another_library_keeps_working()
    {
        var broken = Guid.NewGuid();
        var healthy = Guid.NewGuid();
        var path = LibraryFile(broken);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, new string('#', 8192));
        var probe = CreateTestProbe();

        // Sent before the open has failed (stashed) and after (answered at once): all get a failure, not a timeout.
        Supervisor.Tell(new FetchSince(broken, 0, 10), probe.Ref);
        Supervisor.Tell(new GetLatestSequence(broken), probe.Ref);
        Lead(healthy);
        Supervisor.Tell(new Append(broken, Entry()), probe.Ref);

        Assert.All(probe.ReceiveN(3, Patience), m => Assert.Contains(path, Assert.IsType<StorageFailure>(m).Reason, StringComparison.Ordinal));
        Assert.Equal(1, AppendOne(healthy, Entry()));
        Assert.Equal(new string('#', 8192), File.ReadAllText(path));
    }

    [Fact]
    public async Task A_library_held_open_by_another_owner_is_refused_with_a_clear_failure()
    {
        var library = Guid.NewGuid();
        await using var outsider = await SyncLogDb.OpenAsync(library, DataDir);
        var probe = CreateTestProbe();

        Supervisor.Tell(new GetLatestSequence(library), probe.Ref);

        Assert.Contains("already open by another owner", probe.ExpectMsg<StorageFailure>(Patience).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_write_fails_only_its_senders_and_the_library_keeps_serving_without_a_restart()
    {
        var library = Guid.NewGuid();
        Lead(library);
        var probe = CreateTestProbe();
        for (var i = 1; i <= 5; i++)
            Assert.Equal(i, AppendOne(library, Entry(i), probe));
        // A fault injected below the actor: SQLite aborts any insert of this record.
        Raw.Execute(LibraryFile(library),
            "CREATE TRIGGER inject_fault BEFORE INSERT ON sync_log WHEN NEW.record_id = 'poison' BEGIN SELECT RAISE(ABORT, 'injected fault'); END");

        Supervisor.Tell(new Append(library, Entry(6, record: "poison")), probe.Ref);
        Assert.Contains("injected fault", probe.ExpectMsg<StorageFailure>(Patience).Reason, StringComparison.Ordinal);

        Raw.Execute(LibraryFile(library), "DROP TRIGGER inject_fault");
        Assert.Equal(6, AppendOne(library, Entry(7), probe));
        Assert.Equal([1L, 2, 3, 4, 5, 6], ReadAll(library).Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $$"""{"n":{{i}},"name":"item {{i}}"}""").Append("""{"n":7,"name":"item 7"}"""),
            ReadAll(library).Select(e => e.Data));
    }

    [Fact]
    public void Writes_queued_behind_a_failed_write_are_served_after_it()
    {
        var library = Guid.NewGuid();
        Lead(library);
        var probe = CreateTestProbe();
        AppendOne(library, Entry(0), probe);
        Raw.Execute(LibraryFile(library),
            "CREATE TRIGGER inject_fault BEFORE INSERT ON sync_log WHEN NEW.record_id = 'poison' BEGIN SELECT RAISE(ABORT, 'injected fault'); END");

        using (var blocker = Raw.Open(LibraryFile(library)))
        {
            // Hold the writer so the poison append is in flight and the next ones queue behind it.
            using var transaction = blocker.BeginTransaction(deferred: false);
            Supervisor.Tell(new Append(library, Entry(1, record: "poison")), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            for (var i = 2; i <= 4; i++)
                Supervisor.Tell(new Append(library, Entry(i)), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
            transaction.Rollback();
        }

        probe.ExpectMsg<StorageFailure>(Patience);
        Assert.Equal([2L, 3, 4], probe.ReceiveN(3, Patience).Cast<Appended>().Select(a => a.Sequence));
    }
}
