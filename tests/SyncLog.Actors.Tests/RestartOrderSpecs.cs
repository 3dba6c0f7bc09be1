using Akka.Actor;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A library's next incarnation answers nothing before the previous one's write in flight is answered, so one
/// sender's append replies stay in order across a restart. The write is held below the actor, in the writer seam;
/// a short busy-timeout would fail the next incarnation's open at once if it did not wait.
/// </summary>
public sealed class RestartOrderSpecs() : SyncLogSpec("synclog.passivate-after = 1h\nsynclog.storage.busy-timeout = 300ms")
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public async Task After_a_restart_the_new_incarnation_answers_only_after_the_old_write_in_flight()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = false;
        LogWriterSeam.Get(Sys).Wrap = (_, writer) => new HeldWriter(writer, () => Volatile.Read(ref hold) ? gate.Task : Task.CompletedTask);
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);
        var child = await Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(_library)).ResolveOne(Patience);

        Volatile.Write(ref hold, true);
        Supervisor.Tell(new Append(_library, Entry(1)), probe.Ref);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        child.Tell(Kill.Instance);
        Supervisor.Tell(new Append(_library, Entry(2)), probe.Ref);
        // Longer than the busy-timeout: a new incarnation that did not wait would have failed its open and answered.
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(800));
        Volatile.Write(ref hold, false);
        gate.SetResult();

        Assert.Equal(new Appended(_library, 2), probe.ExpectMsg<Appended>(Patience));
        Assert.Equal(new Appended(_library, 3), probe.ExpectMsg<Appended>(Patience));
    }

    private sealed class HeldWriter(ILogWriter inner, Func<Task> before) : DelegatingLogWriter(inner)
    {
        public override async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
            Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries)
        {
            await before();
            return await Inner.AppendAsync(entries, joinLate, maxEntries);
        }
    }
}
