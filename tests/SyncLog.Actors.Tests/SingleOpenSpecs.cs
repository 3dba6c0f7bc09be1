using Akka.Actor;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A library opens its file once at a time. While it waits to retry a file locked by another owner, a new request and
/// the retry timer must not start two opens: the loser would fail on the winner's lock and fail the library, and a
/// stop would close only one of them, leaking the other's lock. The one storage thread is held so both would queue.
/// </summary>
public sealed class SingleOpenSpecs() : SyncLogSpec("synclog.storage.io-threads = 1\nsynclog.storage.busy-timeout = 2s")
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public async Task A_request_during_the_locked_file_retry_wait_starts_no_second_open()
    {
        var probe = CreateTestProbe();
        var (held, second) = await LockedThenHeldAsync(probe);
        // The second request's open and the retry's would both wait for the held thread; a second one would lose to
        // the first's lock after the busy timeout and fail the library.
        Assert.Equal(1, StorageIo.Get(Sys).Scheduler.QueuedCount);
        held.Set();

        probe.ExpectMsg<Fetched>(Patience);
        second.ExpectMsg<Fetched>(Patience);
    }

    [Fact]
    public async Task A_library_stopped_during_the_retry_wait_leaves_the_file_unlocked_for_the_next_one()
    {
        var probe = CreateTestProbe();
        var (held, second) = await LockedThenHeldAsync(probe);
        var child = await Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(_library)).ResolveOne(Patience);
        var watcher = CreateTestProbe();
        watcher.Watch(child);
        child.Tell(PoisonPill.Instance, ActorRefs.NoSender);
        watcher.ExpectTerminated(child, Patience);
        held.Set();

        probe.ExpectMsg<StorageFailure>(Patience);
        second.ExpectMsg<StorageFailure>(Patience);
        Supervisor.Tell(new FetchSince(_library, 0, 10), probe.Ref);
        var reply = probe.ExpectMsg<object>(Patience);
        Assert.True(reply is Fetched, reply.ToString());
    }

    // The library finds its file locked by another owner and waits to retry; meanwhile the storage thread is held, a
    // second request arrives and the retry timer fires; then the other owner lets go. Returns the storage thread's
    // gate (set it to let the queued work run) and the second request's probe.
    private async Task<(ManualResetEventSlim Held, Akka.TestKit.TestProbe Second)> LockedThenHeldAsync(Akka.TestKit.TestProbe probe)
    {
        Lead(_library, ThisDevice, 1, probe);
        var options = SyncLogSettings.FromConfig(Sys.Settings.Config).Storage;
        var other = await SyncLogDb.OpenAsync(_library, DataDir, options);
        var held = new ManualResetEventSlim();
        var holding = new ManualResetEventSlim();
        var firstFailure = 0;
        var supervisor = Supervisor;
        var second = CreateTestProbe();
        LogWriterSeam.Get(Sys).AfterHandling = (library, message) =>
        {
            if (library != _library || message.GetType().Name != "FileOpenFailed" || Interlocked.Exchange(ref firstFailure, 1) != 0)
                return;
            _ = StorageIo.Get(Sys).Scheduler.Run(() =>
            {
                holding.Set();
                held.Wait();
                return Task.FromResult(0);
            });
            supervisor.Tell(new FetchSince(_library, 0, 10), second.Ref);
        };

        Supervisor.Tell(new FetchSince(_library, 0, 10), probe.Ref);
        Assert.True(holding.Wait(Patience));
        // Five retry intervals (100 ms each), with nothing answered while the thread is held: a retry timer still armed
        // beside the second request's open would have fired by now and queued an open of its own.
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        await other.DisposeAsync();
        return (held, second);
    }
}
