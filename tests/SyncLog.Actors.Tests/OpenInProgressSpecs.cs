using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// An open of a library's file still running is part of the library's state: a library that fails or stops meanwhile
/// closes it when it ends (the file lock is never leaked), and passivation waits for it and for the requests it holds.
/// The single storage thread is held so the open is truly in progress.
/// </summary>
public sealed class OpenInProgressSpecs() : SyncLogSpec("synclog.passivate-after = 500ms\nsynclog.storage.io-threads = 1")
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void A_library_that_fails_and_stops_while_its_open_is_slow_releases_the_file()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);
        StopLibrary();

        using (var storage = HoldStorageThread())
        {
            // A new incarnation recovers its leadership, then queues its open behind the held storage thread.
            Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
            Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(_library) / "leadership").Tell(PoisonPill.Instance);
            Assert.Contains("journal", probe.ExpectMsg<StorageFailure>(Patience).Reason, StringComparison.Ordinal);
            StopLibrary();
        }

        // The open ends after its library is gone; a new owner gets the file.
        var options = SyncLogSettings.FromConfig(Sys.Settings.Config).Storage;
        AwaitAssert(() => OpenAndClose(options), Patience, TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Passivation_waits_for_an_open_in_progress_and_serves_the_read_waiting_for_it()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        // The file appears behind the library's back (another process): the next read opens it.
        var options = SyncLogSettings.FromConfig(Sys.Settings.Config).Storage;
        OpenAndClose(options);

        using (HoldStorageThread())
        {
            Supervisor.Tell(new FetchSince(_library, 0, 10), probe.Ref);
            // Longer than passivate-after: the library must not passivate under its open.
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(1500));
        }

        Assert.Empty(probe.ExpectMsg<Fetched>(Patience).Result.Entries);
    }

    private void OpenAndClose(SyncLogDbOptions options)
    {
        var db = SyncLogDb.OpenAsync(_library, DataDir, options).GetAwaiter().GetResult();
        db.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private void StopLibrary()
    {
        var child = Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(_library)).ResolveOne(Patience).Result;
        var watcher = CreateTestProbe();
        watcher.Watch(child);
        child.Tell(PoisonPill.Instance);
        watcher.ExpectTerminated(child, Patience);
    }

    // Blocks the only storage thread until disposed.
    private Releaser HoldStorageThread()
    {
        var gate = new ManualResetEventSlim();
        var running = new ManualResetEventSlim();
        _ = StorageIo.Get(Sys).Scheduler.Run(() =>
        {
            running.Set();
            gate.Wait();
            return Task.FromResult(0);
        });
        Assert.True(running.Wait(Patience));
        return new Releaser(gate);
    }

    private sealed class Releaser(ManualResetEventSlim gate) : IDisposable
    {
        public void Dispose() => gate.Set();
    }
}
