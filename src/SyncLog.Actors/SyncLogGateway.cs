using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// The one actor a served host exposes to remote peers, at <c>/user/synclog-gateway</c> (the only path
/// <c>akka.remote.trusted-selection-paths</c> lets them select): it forwards the read and follow side of the protocol to
/// the supervisor and refuses every other request with <see cref="RequestNotServed"/>, writing nothing, unless
/// <c>synclog.serve.allow-writes</c> is on. A subscription request naming a subscriber outside the sender's own actor
/// system is refused whatever the setting, so a peer cannot make this host push entries to an actor it does not own.
/// </summary>
public sealed class SyncLogGateway : ReceiveActor
{
    /// <summary>The gateway's actor name under <c>/user</c>.</summary>
    public const string Name = "synclog-gateway";

    /// <summary>The gateway's path within its actor system, as remote peers select it.</summary>
    public const string Path = "/user/" + Name;

    /// <summary>Creates the gateway; use <see cref="Props"/>.</summary>
    public SyncLogGateway(IActorRef supervisor, bool allowWrites)
    {
        Receive<ILibraryRequest>(request =>
        {
            // Forwarded: replies (and a subscription's pushes) go straight to the peer, not through here.
            if (ServedRequests.ForeignSubscriber(request, Sender) is { } refusal)
                Sender.Tell(refusal);
            else if (allowWrites || ServedRequests.IsReadOrFollow(request))
                supervisor.Forward(request);
            else
                Sender.Tell(ServedRequests.Refusal(request, "this host's gateway"));
        });
    }

    /// <summary>Props for a gateway in front of <paramref name="supervisor"/>.</summary>
    public static Props Props(IActorRef supervisor, bool allowWrites) =>
        Akka.Actor.Props.Create(() => new SyncLogGateway(supervisor, allowWrites));
}
