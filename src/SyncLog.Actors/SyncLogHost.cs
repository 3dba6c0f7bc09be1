using Akka.Actor;
using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// An actor system hosting the sync logs of one data dir: the <see cref="SyncLogSupervisor"/> that every request goes to,
/// and an exclusive lock on the data dir so two hosts never share libraries or leadership.
/// </summary>
public sealed class SyncLogHost : IAsyncDisposable
{
    private readonly ExclusiveFileLock? _dataDirLock;
    private readonly bool _ownsSystem;

    private SyncLogHost(ActorSystem system, IActorRef supervisor, SyncLogSettings settings, ExclusiveFileLock? dataDirLock,
        bool ownsSystem)
    {
        System = system;
        Supervisor = supervisor;
        Settings = settings;
        _dataDirLock = dataDirLock;
        _ownsSystem = ownsSystem;
    }

    /// <summary>The actor system the logs run in.</summary>
    public ActorSystem System { get; }

    /// <summary>Send every <see cref="ILibraryRequest"/> here.</summary>
    public IActorRef Supervisor { get; }

    /// <summary>The settings the host runs with.</summary>
    public SyncLogSettings Settings { get; }

    /// <summary>
    /// Creates an actor system from <paramref name="overrides"/> over the <c>synclog.hocon</c> defaults, locks the data dir
    /// and starts the supervisor. Dispose the host to stop everything and release the files.
    /// </summary>
    /// <exception cref="SyncLogLockedException">Another host already runs on this data dir.</exception>
    public static SyncLogHost Start(Config? overrides = null, string systemName = "synclog")
    {
        var config = SyncLogConfig.Build(overrides);
        var settings = SyncLogSettings.FromConfig(config);
        var dataDirLock = LockDataDir(settings);
        try
        {
            var system = ActorSystem.Create(systemName, config);
            var supervisor = system.ActorOf(SyncLogSupervisor.Props(settings), "synclog");
            return new SyncLogHost(system, supervisor, settings, dataDirLock, ownsSystem: true);
        }
        catch
        {
            dataDirLock?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the supervisor in an actor system you created with <see cref="SyncLogConfig.Build"/> (e.g. one shared
    /// with the rest of your app). Disposing the host then stops only the supervisor, not your system.
    /// </summary>
    public static SyncLogHost Attach(ActorSystem system, string supervisorName = "synclog")
    {
        ArgumentNullException.ThrowIfNull(system);
        var settings = SyncLogSettings.FromConfig(system.Settings.Config);
        var dataDirLock = LockDataDir(settings);
        var supervisor = system.ActorOf(SyncLogSupervisor.Props(settings), supervisorName);
        return new SyncLogHost(system, supervisor, settings, dataDirLock, ownsSystem: false);
    }

    /// <summary>Asks the supervisor and waits for the library's reply (any of the protocol's replies).</summary>
    public Task<object> AskAsync(ILibraryRequest request, TimeSpan? timeout = null, CancellationToken ct = default) =>
        Supervisor.Ask<object>(request, timeout ?? TimeSpan.FromSeconds(30), ct);

    /// <summary>Stops the supervisor (closing every library file) and, if the host created it, the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ownsSystem)
            {
                await System.Terminate();
            }
            else
            {
                await Supervisor.GracefulStop(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            _dataDirLock?.Dispose();
        }
    }

    // A read-only host shares the data dir with its owner, so it takes no lock.
    private static ExclusiveFileLock? LockDataDir(SyncLogSettings settings)
    {
        if (settings.ReadOnly)
            return null;
        Directory.CreateDirectory(settings.DataDir);
        return ExclusiveFileLock.Acquire(Path.Combine(settings.DataDir, "sync-host.lock"), settings.DataDir,
            $"data dir '{settings.DataDir}' is already used by another SyncLogHost (this or another process)");
    }
}
