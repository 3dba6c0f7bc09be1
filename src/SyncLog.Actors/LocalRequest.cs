using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// A request that entered through this process's <see cref="SyncLogHost.Supervisor"/>, vouched for by the host's
/// <see cref="LocalTrust"/> token: the supervisor and library actors take writes in it even on a networked host without
/// <c>synclog.serve.allow-writes</c>. Never sent over the wire on purpose (no protocol manifest); one a peer crafts
/// through a default serializer carries a wrong token and is refused.
/// </summary>
internal sealed class LocalRequest(byte[] token, ILibraryRequest request) : INoSerializationVerificationNeeded
{
    /// <summary>The host's secret; compared in constant time by <see cref="LocalTrust.Vouches"/>, never printed.</summary>
    public byte[] Token { get; } = token;

    /// <summary>The request the app sent.</summary>
    public ILibraryRequest Request { get; } = request;

    /// <summary>The request only: the token must not reach a log or a dead-letter notice.</summary>
    public override string ToString() => $"LocalRequest({Request})";
}
