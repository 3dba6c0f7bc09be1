using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// The log refused replication with <see cref="ReplicationRefused"/>: a gap or a conflict (fetch from
/// <see cref="LocalLatestSequence"/> and retry), or a diverged chain (the logs hold different histories; do not retry).
/// </summary>
public sealed class ReplicationRefusedException(ReplicationRefused reply)
    : SyncLogException(reply.LibraryId, reply,
        $"library {reply.LibraryId:D}: replication refused ({reply.Reason}{(reply.ConflictingSequence is { } s ? $" at sequence {s}" : "")}); the local log ends at {reply.LocalLatestSequence}")
{
    /// <summary>The local log's latest sequence: replicate from the entry after it.</summary>
    public long LocalLatestSequence { get; } = reply.LocalLatestSequence;

    /// <summary>Why it was refused (<see cref="ReplicationOutcome.Gap"/>, <see cref="ReplicationOutcome.Conflict"/>, <see cref="ReplicationOutcome.Diverged"/> or <see cref="ReplicationOutcome.ChecksumRequired"/>).</summary>
    public ReplicationOutcome Reason { get; } = reply.Reason;

    /// <summary>The sequence used locally by a different entry (a conflict), or the first that breaks the chain (diverged).</summary>
    public long? ConflictingSequence { get; } = reply.ConflictingSequence;
}
