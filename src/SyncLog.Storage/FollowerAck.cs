namespace SyncLog.Storage;

/// <summary>What a follower device has acknowledged to this log, as kept in <c>sync_log_followers</c>.</summary>
/// <param name="DeviceId">The follower device.</param>
/// <param name="LogId">The follower's log identity the ack came with (its <see cref="SyncLogDb.LogId"/>).</param>
/// <param name="AckedSequence">Every entry up to this sequence is durably replicated on the follower.</param>
/// <param name="LastAckAt">When the last ack arrived (also one that did not move the sequence).</param>
public sealed record FollowerAck(string DeviceId, Guid LogId, long AckedSequence, DateTimeOffset LastAckAt)
{
    /// <summary>How many entries the follower is behind a log ending at <paramref name="latestSequence"/>.</summary>
    public long LagBehind(long latestSequence) => Math.Max(0, latestSequence - AckedSequence);
}
