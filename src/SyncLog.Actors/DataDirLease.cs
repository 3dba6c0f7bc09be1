using Akka;
using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// The exclusive lock on a host's data dir, held for as long as its supervisor lives: released once the supervisor has
/// stopped (every library file closed), by coordinated shutdown, or at the latest when the actor system terminates,
/// so nobody has to dispose anything for a later host in the same process to take the data dir.
/// </summary>
internal sealed class DataDirLease
{
    private ExclusiveFileLock? _lock;

    private DataDirLease(ExclusiveFileLock fileLock) => _lock = fileLock;

    /// <summary>Locks the data dir of <paramref name="settings"/>; null for a read-only host, which shares it with its owner.</summary>
    /// <exception cref="SyncLogLockedException">Another host holds the data dir.</exception>
    public static DataDirLease? Acquire(SyncLogSettings settings)
    {
        if (settings.ReadOnly)
            return null;
        Directory.CreateDirectory(settings.DataDir);
        return new DataDirLease(ExclusiveFileLock.Acquire(Path.Combine(settings.DataDir, "sync-host.lock"), settings.DataDir,
            $"data dir '{settings.DataDir}' is already used by another SyncLogHost (this or another process)"));
    }

    /// <summary>Releases the lock; safe to call more than once and from any thread.</summary>
    public void Release() => Interlocked.Exchange(ref _lock, null)?.Dispose();

    /// <summary>Ties the lock to <paramref name="supervisor"/>'s life in <paramref name="system"/>.</summary>
    public void BindTo(ActorSystem system, IActorRef supervisor, TimeSpan stopTimeout)
    {
        // Coordinated shutdown (IHost.StopAsync, ActorSystem.Terminate) stops the supervisor before the system goes and
        // releases the lock before shutdown completes, so a new host may start as soon as StopAsync returns.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate,
            $"synclog-release-data-dir-{supervisor.Path.Name}", async () =>
            {
                await StopAndReleaseAsync(supervisor, stopTimeout);
                return Done.Instance;
            });
        system.RegisterOnTermination(Release);
        // A supervisor stopped any other way (Context.Stop, a disposed attached host) frees the data dir too.
        supervisor.WatchAsync().ContinueWith(_ => Release(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Stops the supervisor (closing every library file), then releases the lock.</summary>
    public async Task StopAndReleaseAsync(IActorRef supervisor, TimeSpan stopTimeout)
    {
        try
        {
            await supervisor.GracefulStop(stopTimeout);
        }
        finally
        {
            // Even when the supervisor is still stopping after the timeout: the lock must not outlive the host, and
            // each library file keeps its own lock until it is closed.
            Release();
        }
    }
}
