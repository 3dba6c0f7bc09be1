using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// The ref apps get for an actor that trusts only its own process (<see cref="SyncLogHost.Supervisor"/>, the follower
/// <see cref="SyncLogHost.StartFollower"/> returns): it wraps every library or follower request told to it in a
/// <see cref="LocalMessage"/> (<see cref="LocalTrust.WrapAny"/>) and passes it, with its sender, to the real actor. An
/// object in this process only, registered with no provider, so no remote path resolves to it: a peer reaches only the
/// real actor, unwrapped.
/// </summary>
/// <remarks>
/// It carries the actor's own path and uid, so it equals the actor's ref; system messages and stops go to the actor,
/// so Watch, Terminated, Stop and GracefulStop on it behave as on the actor itself.
/// </remarks>
internal sealed class LocalEntrance(IInternalActorRef target, LocalTrust trust) : MinimalActorRef
{
    /// <summary>The entrance of <paramref name="target"/> in <paramref name="system"/>.</summary>
    public static IActorRef Of(ActorSystem system, IActorRef target) =>
        new LocalEntrance((IInternalActorRef)target, LocalTrust.Get(system));

    /// <inheritdoc />
    public override ActorPath Path => target.Path;

    /// <inheritdoc />
    public override IActorRefProvider Provider => target.Provider;

    /// <inheritdoc />
    public override IInternalActorRef Parent => target.Parent;

    /// <inheritdoc />
    public override void SendSystemMessage(Akka.Dispatch.SysMsg.ISystemMessage message) => target.SendSystemMessage(message);

    /// <inheritdoc />
    public override void Stop() => target.Stop();

    /// <inheritdoc />
    public override void Suspend() => target.Suspend();

    /// <inheritdoc />
    public override void Resume(Exception? causedByFailure = null) => target.Resume(causedByFailure);

    /// <inheritdoc />
    public override void Restart(Exception cause) => target.Restart(cause);

    /// <inheritdoc />
    protected override void TellInternal(object message, IActorRef sender) => target.Tell(trust.WrapAny(message), sender);
}
