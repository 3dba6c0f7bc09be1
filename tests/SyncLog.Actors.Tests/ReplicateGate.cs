using Akka.Actor;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Stands between a follower and its local host: forwards every request, but holds each <see cref="Replicate"/> (showing
/// it to an observer) until the spec releases it, so pages can be pushed while one is being written.
/// </summary>
public sealed class ReplicateGate : ReceiveActor
{
    private readonly Queue<(Replicate Request, IActorRef Sender)> _held = new();

    /// <summary>Forwards to <paramref name="host"/>; every held Replicate is also sent to <paramref name="observer"/>.</summary>
    public ReplicateGate(IActorRef host, IActorRef observer)
    {
        Receive<Replicate>(replicate =>
        {
            _held.Enqueue((replicate, Sender));
            observer.Tell(replicate);
        });
        Receive<Release>(_ =>
        {
            var (request, sender) = _held.Dequeue();
            host.Tell(request, sender);
        });
        ReceiveAny(message => host.Forward(message));
    }

    /// <summary>Lets the oldest held Replicate through to the host.</summary>
    public sealed class Release
    {
        /// <summary>The only instance.</summary>
        public static readonly Release Instance = new();
    }
}
