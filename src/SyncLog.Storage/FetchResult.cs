namespace SyncLog.Storage;

/// <summary>
/// One page of entries after a sequence. When <see cref="IsTruncated"/> is true the entries the caller
/// asked for were already vacuumed: <see cref="Entries"/> is empty and the caller must resync its state
/// up to <see cref="VacuumedThroughSequence"/> and fetch from there, instead of reading a hole.
/// </summary>
/// <param name="Entries">Entries with sequence above the requested one, ascending, contiguous.</param>
/// <param name="LatestSequence">The library's latest assigned sequence when the page was read.</param>
/// <param name="IsTruncated">True when entries after the requested sequence were already vacuumed.</param>
/// <param name="VacuumedThroughSequence">Highest sequence removed by vacuum (0 if none was).</param>
/// <param name="VacuumedThroughChecksum">
/// On a truncated page, the chain's checksum at <paramref name="VacuumedThroughSequence"/>, for the follower's
/// <see cref="SyncLogDb.ResyncFromAsync(long, SyncLogChecksum, CancellationToken)"/>; null otherwise.
/// </param>
public sealed record FetchResult(
    IReadOnlyList<SyncLogEntry> Entries,
    long LatestSequence,
    bool IsTruncated,
    long VacuumedThroughSequence,
    SyncLogChecksum? VacuumedThroughChecksum = null)
{
    /// <summary>True when the page ends before <see cref="LatestSequence"/>: the caller should fetch again.</summary>
    public bool HasMore => !IsTruncated && Entries.Count > 0 && Entries[^1].Sequence < LatestSequence;
}
