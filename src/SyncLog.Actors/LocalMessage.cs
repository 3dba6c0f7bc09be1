using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// A message that entered through one of this process's <see cref="LocalEntrance"/>s, vouched for by the host's
/// <see cref="LocalTrust"/> token. Never sent over the wire: bound to <see cref="LocalOnlySerializer"/>, which throws, so
/// an accidental remote send fails loudly instead of carrying the token; one a peer crafts carries a wrong token.
/// </summary>
internal abstract class LocalMessage(byte[] token) : INoSerializationVerificationNeeded
{
    /// <summary>The host's secret; compared in constant time by <see cref="LocalTrust.Vouches"/>, never printed.</summary>
    public byte[] Token { get; } = token;

    /// <summary>The request the app sent (null only in a forgery).</summary>
    public abstract object? Payload { get; }

    /// <summary>The request only: the token must not reach a log or a dead-letter notice.</summary>
    public override string ToString() => $"{GetType().Name}({Payload})";
}
