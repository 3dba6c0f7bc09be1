namespace SyncLog.Storage;

/// <summary>
/// Which entries a vacuum may remove: a prefix of entries older than <paramref name="Before"/> that every follower in
/// <c>sync_log_followers</c> (but <paramref name="OwnDeviceId"/> and followers lost since <paramref name="LostBefore"/>)
/// has acknowledged. An entry's own timestamp never overrides an ack: it is written by a client.
/// </summary>
/// <param name="Before">Only entries with a timestamp before this are removed.</param>
/// <param name="LostBefore">
/// The <c>max-retention</c> cut-off: a follower whose last ack (<c>updated_at</c>, this host's clock) is before this counts
/// as lost and no longer holds entries back, so a lost device cannot hold the log forever; null: no follower is ever lost.
/// </param>
/// <param name="OwnDeviceId">This host's device, which never counts as a follower (a host does not wait for itself).</param>
public sealed record VacuumPolicy(DateTimeOffset Before, DateTimeOffset? LostBefore = null, string? OwnDeviceId = null);
