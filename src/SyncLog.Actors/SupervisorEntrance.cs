using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// The ref apps get as <see cref="SyncLogHost.Supervisor"/>: it wraps every <see cref="ILibraryRequest"/> told to it in a
/// <see cref="LocalRequest"/> and passes it, with its sender, to the real supervisor. An object in this process only,
/// registered with no provider, so no remote path resolves to it: a peer reaches only the real supervisor, unwrapped.
/// </summary>
/// <remarks>
/// It carries the supervisor's own path and uid, so it equals the supervisor's ref; system messages and stops go
/// to the supervisor, so Watch, Terminated, Stop and GracefulStop on it behave as on the supervisor itself.
/// </remarks>
internal sealed class SupervisorEntrance(IInternalActorRef supervisor, LocalTrust trust) : MinimalActorRef
{
    /// <inheritdoc />
    public override ActorPath Path => supervisor.Path;

    /// <inheritdoc />
    public override IActorRefProvider Provider => supervisor.Provider;

    /// <inheritdoc />
    public override IInternalActorRef Parent => supervisor.Parent;

    /// <inheritdoc />
    public override void SendSystemMessage(Akka.Dispatch.SysMsg.ISystemMessage message) => supervisor.SendSystemMessage(message);

    /// <inheritdoc />
    public override void Stop() => supervisor.Stop();

    /// <inheritdoc />
    public override void Suspend() => supervisor.Suspend();

    /// <inheritdoc />
    public override void Resume(Exception? causedByFailure = null) => supervisor.Resume(causedByFailure);

    /// <inheritdoc />
    public override void Restart(Exception cause) => supervisor.Restart(cause);

    /// <inheritdoc />
    protected override void TellInternal(object message, IActorRef sender) =>
        supervisor.Tell(message is ILibraryRequest request ? trust.Wrap(request) : message, sender);
}
