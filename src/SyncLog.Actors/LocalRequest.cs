namespace SyncLog.Actors;

/// <summary>
/// A library request that entered through this process's <see cref="SyncLogHost.Supervisor"/>: the supervisor and
/// library actors take writes in it even on a networked host without <c>synclog.serve.allow-writes</c>.
/// </summary>
internal sealed class LocalRequest(byte[] token, ILibraryRequest request) : LocalMessage(token)
{
    /// <summary>The request the app sent.</summary>
    public ILibraryRequest Request { get; } = request;

    /// <inheritdoc />
    public override object? Payload => Request;
}
