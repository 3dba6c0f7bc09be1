namespace SyncLog.Actors;

/// <summary>
/// A <see cref="SyncLogSource"/> stream failed because its subscription ended for <see cref="Reason"/> (truncated by a
/// vacuum, library stopped or failed); resume with a new source after <see cref="LastDeliveredSequence"/>, or resync.
/// </summary>
public sealed class SyncLogSubscriptionEndedException(SubscriptionEnded ended)
    : SyncLogException(ended.LibraryId, ended, $"subscription to library {ended.LibraryId:D} ended ({ended.Reason}): {ended.Detail}")
{
    /// <summary>Why the subscription ended.</summary>
    public SubscriptionEndReason Reason { get; } = ended.Reason;

    /// <summary>The last sequence the stream emitted (or the sequence it started after).</summary>
    public long LastDeliveredSequence { get; } = ended.LastDeliveredSequence;

    /// <summary>With <see cref="SubscriptionEndReason.Truncated"/>: the highest vacuumed sequence to resync past.</summary>
    public long VacuumedThroughSequence { get; } = ended.VacuumedThroughSequence;
}
