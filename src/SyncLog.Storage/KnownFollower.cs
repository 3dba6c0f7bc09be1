namespace SyncLog.Storage;

/// <summary>
/// A follower's position as one host tells another: its device, the sequence it acked and when, but no log id (only the
/// host it acked to keeps that). What a follower learns from its leader (<see cref="SyncLogDb.ReplaceLearnedFollowersAsync"/>).
/// </summary>
/// <param name="DeviceId">The follower device.</param>
/// <param name="AckedSequence">Every entry up to this sequence is durably replicated on the follower.</param>
/// <param name="LastAckAt">When the follower last acked (the reporting host's clock).</param>
public sealed record KnownFollower(string DeviceId, long AckedSequence, DateTimeOffset LastAckAt);
