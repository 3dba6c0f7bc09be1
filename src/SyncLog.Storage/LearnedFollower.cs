namespace SyncLog.Storage;

/// <summary>
/// What this host learned from another leader about one of that leader's followers (<c>sync_log_learned_followers</c>):
/// a hold on vacuum at <paramref name="AckedSequence"/>, not an ack to this host, which a newer ack to this host supersedes.
/// </summary>
/// <param name="DeviceId">The follower device.</param>
/// <param name="AckedSequence">What the follower had acked to <paramref name="LearnedFrom"/>.</param>
/// <param name="LastAckAt">When it last acked there; the <c>max-retention</c> "lost" rule applies to it as to an ack.</param>
/// <param name="LearnedFrom">The leader device that reported it.</param>
/// <param name="LearnedAt">When this host learned it (this host's clock).</param>
public sealed record LearnedFollower(string DeviceId, long AckedSequence, DateTimeOffset LastAckAt, string LearnedFrom,
    DateTimeOffset LearnedAt)
{
    /// <summary>How many entries the follower is behind a log ending at <paramref name="latestSequence"/>.</summary>
    public long LagBehind(long latestSequence) => Math.Max(0, latestSequence - AckedSequence);
}
