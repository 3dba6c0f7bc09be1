using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// An actor system hosting the sync logs of one data dir: the <see cref="SyncLogSupervisor"/> that every request goes to,
/// and an exclusive lock on the data dir so two hosts never share libraries or leadership. The lock lives as long as
/// the supervisor: it is released when the supervisor stops, on coordinated shutdown, or when the system terminates.
/// </summary>
public sealed class SyncLogHost : IAsyncDisposable
{
    /// <summary>The supervisor's name unless another is given.</summary>
    public const string DefaultSupervisorName = "synclog";

    // How long stopping waits for the supervisor to close every library file.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly DataDirLease? _dataDirLease;
    private readonly bool _ownsSystem;

    private SyncLogHost(ActorSystem system, IActorRef supervisor, SyncLogSettings settings, DataDirLease? dataDirLease,
        bool ownsSystem)
    {
        System = system;
        SupervisorActor = supervisor;
        Supervisor = LocalEntrance.Of(system, supervisor);
        Settings = settings;
        Client = new SyncLogClient(Supervisor);
        _dataDirLease = dataDirLease;
        _ownsSystem = ownsSystem;
    }

    /// <summary>The actor system the logs run in.</summary>
    public ActorSystem System { get; }

    /// <summary>
    /// Send every <see cref="ILibraryRequest"/> here. This ref lives only in this process: requests told to it count as
    /// the app's own, so they may write even on a host that serves remote peers without <c>synclog.serve.allow-writes</c>.
    /// Hand it only to code you trust; the supervisor's path, as a peer reaches it, takes only reads and following there.
    /// </summary>
    public IActorRef Supervisor { get; }

    // The supervisor actor itself: what peers reach, with no local trust (the gateway forwards to it).
    internal IActorRef SupervisorActor { get; }

    /// <summary>Typed asks to <see cref="Supervisor"/>: results on success, a <see cref="SyncLogException"/> per refusal.</summary>
    public SyncLogClient Client { get; }

    /// <summary>The settings the host runs with.</summary>
    public SyncLogSettings Settings { get; }

    /// <summary>
    /// Creates an actor system from <paramref name="overrides"/> over the <c>synclog.hocon</c> defaults, locks the data dir
    /// and starts the supervisor. Dispose the host (or terminate <see cref="System"/>) to stop everything and release the files.
    /// </summary>
    /// <exception cref="SyncLogLockedException">Another host already runs on this data dir.</exception>
    public static SyncLogHost Start(Config? overrides = null, string systemName = "synclog") =>
        Start(overrides, systemName, []);

    /// <summary>
    /// As <see cref="Start(Config?, string)"/>, with <paramref name="setups"/> for the actor system (e.g. Akka.Remote's
    /// TLS setup, which carries a certificate and a validator HOCON cannot express).
    /// </summary>
    /// <exception cref="SyncLogLockedException">Another host already runs on this data dir.</exception>
    public static SyncLogHost Start(Config? overrides, string systemName, params Setup[] setups)
    {
        ArgumentNullException.ThrowIfNull(setups);
        var config = SyncLogConfig.Build(overrides);
        var settings = SyncLogSettings.FromConfig(config);
        // Locked before the system exists, so a data dir in use fails fast without starting anything.
        var lease = DataDirLease.Acquire(settings);
        ActorSystem? system = null;
        try
        {
            system = ActorSystem.Create(systemName, ActorSystemSetup.Create(setups).And(BootstrapSetup.Create().WithConfig(config)));
            var supervisor = StartSupervisor(system, settings, lease, DefaultSupervisorName);
            return new SyncLogHost(system, supervisor, settings, lease, ownsSystem: true);
        }
        catch
        {
            lease?.Release();
            system?.Terminate().Wait(StopTimeout);
            throw;
        }
    }

    /// <summary>
    /// Starts the supervisor in an actor system you created with <see cref="SyncLogConfig.Build"/> (e.g. one shared
    /// with the rest of your app). Disposing the host then stops only the supervisor, not your system; terminating your
    /// system releases the data dir without disposing the host.
    /// </summary>
    /// <exception cref="SyncLogLockedException">Another host already runs on this data dir.</exception>
    public static SyncLogHost Attach(ActorSystem system, string supervisorName = DefaultSupervisorName)
    {
        ArgumentNullException.ThrowIfNull(system);
        var settings = SyncLogSettings.FromConfig(system.Settings.Config);
        var lease = DataDirLease.Acquire(settings);
        try
        {
            var supervisor = StartSupervisor(system, settings, lease, supervisorName);
            return new SyncLogHost(system, supervisor, settings, lease, ownsSystem: false);
        }
        catch
        {
            // E.g. the name is taken or the system is terminating: no supervisor, so no lock either.
            lease?.Release();
            throw;
        }
    }

    /// <summary>
    /// Starts the <see cref="SyncLogGateway"/> in front of the supervisor actor (not the local <see cref="Supervisor"/>: what
    /// it forwards counts as a peer's) at <see cref="SyncLogGateway.Path"/>,
    /// the one actor remote peers of a served host may select; it forwards writes only with <c>synclog.serve.allow-writes</c>.
    /// </summary>
    public IActorRef StartGateway() =>
        System.ActorOf(SyncLogGateway.Props(SupervisorActor, Settings.ServeAllowWrites), SyncLogGateway.Name);

    /// <summary>Asks the supervisor and waits for the library's reply (any of the protocol's replies, refusals included).</summary>
    /// <remarks>Prefer <see cref="Client"/>, which returns typed results and throws a typed exception per refusal.</remarks>
    public Task<object> AskAsync(ILibraryRequest request, TimeSpan? timeout = null, CancellationToken ct = default) =>
        Supervisor.Ask<object>(request, timeout ?? SyncLogClient.DefaultTimeout, ct);

    /// <summary>
    /// Starts a <see cref="LibraryFollower"/> that keeps <paramref name="libraryId"/> on this host current from
    /// <paramref name="leader"/> (the leader host's supervisor, or an actor forwarding the protocol to it), with the
    /// <c>synclog.follower</c> settings, acknowledging as this host's device. One per library (the name is taken from it);
    /// stop it with <c>Context.Stop</c> or a <see cref="PoisonPill"/>. The ref returned lives only in this process, as
    /// <see cref="Supervisor"/> does: on a networked host the follower takes requests (<see cref="FollowLeader"/>,
    /// <see cref="ApproveResync"/>, <see cref="GetFollowerStatus"/>) only through it, so hand it only to code you trust.
    /// </summary>
    public IActorRef StartFollower(Guid libraryId, IActorRef leader, string? name = null) =>
        LocalEntrance.Of(System, System.ActorOf(LibraryFollower.Props(Supervisor, leader, libraryId, Settings.DeviceId, Settings.Follower),
            name ?? $"synclog-follower-{libraryId:N}"));

    /// <summary>Stops the supervisor (closing every library file) and, if the host created it, the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsSystem)
        {
            // Coordinated shutdown stops the supervisor and releases the data dir before the system goes.
            await System.Terminate();
            _dataDirLease?.Release();
        }
        else if (_dataDirLease is not null)
        {
            await _dataDirLease.StopAndReleaseAsync(SupervisorActor, StopTimeout);
        }
        else
        {
            await SupervisorActor.GracefulStop(StopTimeout);
        }
    }

    private static IActorRef StartSupervisor(ActorSystem system, SyncLogSettings settings, DataDirLease? lease, string name)
    {
        var supervisor = system.ActorOf(SyncLogSupervisor.Props(settings), name);
        // Requests that dead-letter on their way to the supervisor or a library (before or after the host stops) are
        // answered by a system actor, which lives until the actor system itself ends.
        DeadLetterAnswerer.EnsureFor(system, supervisor.Path);
        lease?.BindTo(system, supervisor, StopTimeout);
        system.Log.Info("Sync log supervisor {0} started on data dir {1} as device {2}{3}", supervisor.Path,
            settings.DataDir, settings.DeviceId, settings.ReadOnly ? " (read-only)" : "");
        return supervisor;
    }
}
