namespace SyncLog.Storage;

/// <summary>A snapshot of what a library's log holds, for operators and the <c>synclog stats</c> command.</summary>
/// <param name="Count">Entries stored now.</param>
/// <param name="OldestSequence">Smallest stored sequence (0 when empty).</param>
/// <param name="LatestSequence">Latest assigned sequence (survives vacuum).</param>
/// <param name="VacuumedThroughSequence">Highest sequence vacuum removed (0 if none).</param>
/// <param name="OldestTimestamp">Earliest stored timestamp, if any entry is stored.</param>
/// <param name="NewestTimestamp">Latest stored timestamp, if any entry is stored.</param>
/// <param name="FileSizeBytes">Bytes on disk of <c>sync.db</c> and its WAL.</param>
/// <param name="CountsByModel">Stored entries per model type, ordered by model type.</param>
/// <param name="LogId">The log's identity (<see cref="SyncLogDb.LogId"/>).</param>
/// <param name="Followers">Every follower that acknowledged this log (forgotten ones excluded), by device id.</param>
/// <param name="LearnedFollowers">
/// Followers of another leader this host learned of and still holds vacuum for (no newer ack to this host), by device id.
/// </param>
public sealed record SyncLogStats(
    long Count,
    long OldestSequence,
    long LatestSequence,
    long VacuumedThroughSequence,
    DateTimeOffset? OldestTimestamp,
    DateTimeOffset? NewestTimestamp,
    long FileSizeBytes,
    IReadOnlyList<KeyValuePair<string, long>> CountsByModel,
    Guid LogId,
    IReadOnlyList<FollowerAck> Followers,
    IReadOnlyList<LearnedFollower>? LearnedFollowers = null);
