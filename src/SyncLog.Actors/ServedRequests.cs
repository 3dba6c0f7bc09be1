using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// The read and follow side of the protocol: what a served host answers for remote peers without
/// <c>synclog.serve.allow-writes</c>. An allowlist, so a request added later is refused until someone decides otherwise.
/// </summary>
public static class ServedRequests
{
    /// <summary>
    /// True for requests that only read the log or follow it (fetch, stats, leadership, checksums, subscriptions, follower
    /// acknowledgements, the followers a leader waits for).
    /// </summary>
    public static bool IsReadOrFollow(ILibraryRequest request) => request is FetchSince or GetLatestSequence or FetchByDevice
        or FetchByRecord or FetchByTimeRange or GetStats or GetLeadership or GetChainHead or GetChecksumAt or VerifyChain
        or Subscribe or RequestEntries or Unsubscribe or GetLogId or AcknowledgeReplicated or GetFollowers;

    /// <summary>
    /// The refusal of a <see cref="Subscribe"/>, <see cref="RequestEntries"/> or <see cref="Unsubscribe"/> whose
    /// subscriber lives at another address than <paramref name="sender"/> (a peer naming this host's local actors, or a
    /// third system's); null when the request is not one of those or names the sender's own system.
    /// </summary>
    public static RequestNotServed? ForeignSubscriber(ILibraryRequest request, IActorRef sender)
    {
        var subscriber = request switch
        {
            Subscribe s => s.Subscriber,
            RequestEntries r => r.Subscriber,
            Unsubscribe u => u.Subscriber,
            _ => null,
        };
        if (subscriber is null || subscriber.Path.Address.Equals(sender.Path.Address))
            return null;
        return new RequestNotServed(request.LibraryId, request.GetType().Name,
            $"the subscriber {subscriber.Path} is not in the sender's actor system ({sender.Path.Address}); a peer can " +
            "subscribe, ask for entries and unsubscribe only for its own actors");
    }

    /// <summary>
    /// The refusal of a <see cref="Subscribe"/>, <see cref="RequestEntries"/> or <see cref="Unsubscribe"/> that did not
    /// come through this process's <see cref="SyncLogHost.Supervisor"/> (not <paramref name="local"/>) on a networked host
    /// and names one of this host's own actors as subscriber; null otherwise. A peer's own actors are remote refs here; a
    /// peer naming a local path (a follower's feed, an app's subscriber) would push entries into it or end its subscription,
    /// and its sender proves nothing, so the gateway's sender check alone does not stop it.
    /// </summary>
    internal static RequestNotServed? LocalSubscriberOfPeer(ILibraryRequest request, bool local, bool networked)
    {
        if (local || !networked)
            return null;
        var subscriber = request switch
        {
            Subscribe s => s.Subscriber,
            RequestEntries r => r.Subscriber,
            Unsubscribe u => u.Subscriber,
            _ => null,
        };
        if (subscriber is null || subscriber.Path.Address.HasGlobalScope)
            return null;
        return new RequestNotServed(request.LibraryId, request.GetType().Name,
            $"the subscriber {subscriber.Path} is an actor of this host; this host's own actors subscribe through its " +
            "SyncLogHost.Supervisor, a peer only its own actors");
    }

    /// <summary>
    /// The refusal of a write or admin request this host must not take, or null to handle it. With
    /// <c>synclog.refuse-writes</c> every write is refused. On a host reachable over the network
    /// (<paramref name="networked"/>) without <c>synclog.serve.allow-writes</c>, writes are taken only when
    /// <paramref name="local"/>: sent through this process's <see cref="SyncLogHost.Supervisor"/>, which vouches for them
    /// with a token no peer has, so an app can append while it serves followers. The sender proves nothing: a peer can
    /// name any of this host's actors as its sender.
    /// </summary>
    public static RequestNotServed? WriteRefusal(ILibraryRequest request, bool local, SyncLogSettings settings, bool networked)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        if (IsReadOrFollow(request))
            return null;
        if (settings.RefuseWrites)
            return Refusal(request, "this host (synclog.refuse-writes = on)");
        if (local || !networked || settings.ServeAllowWrites)
            return null;
        return Refusal(request, "this host, reachable over the network, takes writes only through its own process's SyncLogHost.Supervisor; it");
    }

    /// <summary>True when the actor system listens on the network (Akka.Remote), so peers can send to its local actors.</summary>
    public static bool IsNetworked(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress.HasGlobalScope;

    /// <summary>The refusal of a request that is not <see cref="IsReadOrFollow"/> where writes are not served.</summary>
    public static RequestNotServed Refusal(ILibraryRequest request, string where) => new(request.LibraryId, request.GetType().Name,
        $"{where} serves only reads and following (fetch, stats, leadership, checksums, subscribe); " +
        "writes and admin requests are refused unless synclog.serve.allow-writes is on (synclog serve --allow-writes)");
}
