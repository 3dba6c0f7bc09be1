namespace SyncLog.Storage;

/// <summary>How a follower's attempt to mirror the leader's entries ended.</summary>
public enum ReplicationOutcome
{
    /// <summary>The entries now continue the local log (exact duplicates of local entries were skipped).</summary>
    Applied,

    /// <summary>Refused: the first new entry does not follow the local latest sequence; nothing was written.</summary>
    Gap,

    /// <summary>Refused: an entry's sequence is already used locally by a different entry; nothing was written.</summary>
    Conflict,

    /// <summary>
    /// Refused: an entry's checksum (the leader's) is not the one the local chain gives it, so the two logs hold different
    /// histories at or before that sequence (<see cref="ReplicationResult.ConflictingSequence"/>); nothing was written.
    /// </summary>
    Diverged,

    /// <summary>
    /// Refused: the log was resynced without the leader's checksum at its floor, so only an entry that carries its
    /// checksum can start the chain again, and this one (<see cref="ReplicationResult.ConflictingSequence"/>) carries
    /// none; nothing was written. Replicate the leader's entries as it serves them, with their checksums.
    /// </summary>
    ChecksumRequired,
}

/// <summary>The outcome of <see cref="SyncLogDb.ReplicateAsync(IReadOnlyList{SyncLogEntry}, CancellationToken)"/> and the local latest sequence after it.</summary>
/// <param name="Outcome">Applied, or why nothing was written.</param>
/// <param name="LatestSequence">The local latest sequence after the call.</param>
/// <param name="AppliedCount">How many entries were written (0 when all were duplicates or on refusal).</param>
/// <param name="ConflictingSequence">
/// For <see cref="ReplicationOutcome.Conflict"/>, the sequence whose entry differs; for
/// <see cref="ReplicationOutcome.Diverged"/>, the first sequence whose checksum does not continue the local chain; for
/// <see cref="ReplicationOutcome.ChecksumRequired"/>, the entry that carries no checksum.
/// </param>
public sealed record ReplicationResult(
    ReplicationOutcome Outcome,
    long LatestSequence,
    int AppliedCount,
    long? ConflictingSequence = null);
