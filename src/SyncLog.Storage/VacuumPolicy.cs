namespace SyncLog.Storage;

/// <summary>
/// Which entries a vacuum may remove: a prefix of entries older than <paramref name="Before"/> that every follower in
/// <c>sync_log_followers</c> (but <paramref name="OwnDeviceId"/>) has acknowledged, or that are older than
/// <paramref name="HardBefore"/> (the <c>max-retention</c> cap, so a lost device cannot hold the log forever).
/// </summary>
/// <param name="Before">Only entries with a timestamp before this are removed.</param>
/// <param name="HardBefore">Entries before this are removed whether or not followers acked them; null: never without acks.</param>
/// <param name="OwnDeviceId">This host's device, which never counts as a follower (a host does not wait for itself).</param>
public sealed record VacuumPolicy(DateTimeOffset Before, DateTimeOffset? HardBefore = null, string? OwnDeviceId = null);
