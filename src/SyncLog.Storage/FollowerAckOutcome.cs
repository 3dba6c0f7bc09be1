namespace SyncLog.Storage;

/// <summary>What became of a follower's acknowledgement.</summary>
public enum FollowerAckOutcome
{
    /// <summary>Recorded: it now counts for the device (acks only move forward for one log id).</summary>
    Recorded,

    /// <summary>Not recorded: this log id belongs to a device that was forgotten; only a new log id registers it again.</summary>
    Forgotten,

    /// <summary>Not recorded: the device has since acknowledged with another log id (it was reset), which replaced this one.</summary>
    Replaced,

    /// <summary>
    /// Not recorded: the device is known with another log id and the caller did not allow replacing it (an admin act,
    /// like forgetting the device; refused for remote peers of a host served without writes).
    /// </summary>
    ReplaceNotAllowed,
}
