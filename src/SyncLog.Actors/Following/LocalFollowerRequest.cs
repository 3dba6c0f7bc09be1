namespace SyncLog.Actors;

/// <summary>
/// A follower request that entered through the ref <see cref="SyncLogHost.StartFollower"/> returned: on a networked host
/// a <see cref="LibraryFollower"/> takes requests only in it, so no peer can point it at another leader.
/// </summary>
internal sealed class LocalFollowerRequest(byte[] token, IFollowerRequest request) : LocalMessage(token)
{
    /// <summary>The request the app sent.</summary>
    public IFollowerRequest Request { get; } = request;

    /// <inheritdoc />
    public override object? Payload => Request;
}
