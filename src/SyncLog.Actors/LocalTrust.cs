using System.Security.Cryptography;
using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// Actor-system extension holding the random token that marks a request as sent from inside this process
/// (<see cref="LocalRequest"/>). Trust comes from the message, not its sender: Akka.Remote resolves whatever sender
/// path a peer writes, so a peer naming one of this host's own actors looks local.
/// </summary>
internal sealed class LocalTrust : IExtension
{
    private const int TokenBytes = 32;
    private readonly byte[] _token = RandomNumberGenerator.GetBytes(TokenBytes);

    public static LocalTrust Get(ActorSystem system) => system.WithExtension<LocalTrust, LocalTrustProvider>();

    /// <summary>The request wrapped with this host's token.</summary>
    public LocalRequest Wrap(ILibraryRequest request) => new(_token, request);

    /// <summary>
    /// What a <see cref="LocalEntrance"/> passes on: a library or follower request wrapped with this host's token,
    /// anything else (stops, identifies, replies) as it is.
    /// </summary>
    public object WrapAny(object message) => message switch
    {
        ILibraryRequest request => new LocalRequest(_token, request),
        IFollowerRequest request => new LocalFollowerRequest(_token, request),
        _ => message,
    };

    /// <summary>True when <paramref name="wrapped"/> carries this host's token (and a request).</summary>
    public bool Vouches(LocalMessage wrapped) =>
        wrapped is { Payload: not null, Token.Length: TokenBytes } && CryptographicOperations.FixedTimeEquals(wrapped.Token, _token);

    /// <summary>The request a message carries, wrapped or not; null when it carries none.</summary>
    public static ILibraryRequest? RequestIn(object? message) => message switch
    {
        ILibraryRequest request => request,
        LocalRequest wrapped => wrapped.Request,
        _ => null,
    };

    /// <summary>The refusal of a <see cref="LocalRequest"/> whose token is not this host's: a forgery, refused whatever the settings.</summary>
    public static RequestNotServed Forged(LocalRequest wrapped) => new(wrapped.Request?.LibraryId ?? Guid.Empty,
        wrapped.Request?.GetType().Name ?? nameof(LocalRequest),
        "the request claims to come from this host's own process but does not carry its token; nothing was done");
}

/// <summary>Creates the <see cref="LocalTrust"/> extension.</summary>
internal sealed class LocalTrustProvider : ExtensionIdProvider<LocalTrust>
{
    public override LocalTrust CreateExtension(ExtendedActorSystem system) => new();
}
