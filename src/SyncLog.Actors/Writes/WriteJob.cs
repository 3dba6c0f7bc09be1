using SyncLog.Storage;

namespace SyncLog.Actors.Writes;

/// <summary>
/// One transaction the pipeline hands to its owner to run on the write connection. <see cref="Id"/> ties the outcome
/// back to this job (a completion for any other id is ignored); <see cref="Term"/> is the leadership term it was
/// judged under, which holds back acknowledgements of any later term until it is over.
/// </summary>
internal abstract record WriteJob(long Id, long Term);

/// <summary>A group commit: <see cref="Entries"/> of the accepted appends, plus whatever joins late through <see cref="Late"/>.</summary>
internal sealed record AppendJob(long Id, long Term, IReadOnlyList<PendingWrite> Group, object?[] Replies,
    IReadOnlyList<NewSyncLogEntry> Entries, LateJoiners Late) : WriteJob(Id, Term);

/// <summary>A follower mirroring one page of its leader's log, judged at the page's leader term.</summary>
internal sealed record ReplicateJob(long Id, long Term, PendingReplicate Write) : WriteJob(Id, Term);

/// <summary>A follower restarting its log after a sequence.</summary>
internal sealed record ResyncJob(long Id, long Term, PendingResync Write) : WriteJob(Id, Term);

/// <summary>How a <see cref="WriteJob"/> ended.</summary>
internal abstract record WriteResult
{
    /// <summary>An append job committed: one sequence per entry (group, then late joiners), and the log's latest after it.</summary>
    public sealed record Committed(IReadOnlyList<long> Sequences, long Latest) : WriteResult;

    /// <summary>A replicate job ran (applied or refused by the log).</summary>
    public sealed record Replicated(ReplicationResult Result) : WriteResult;

    /// <summary>A resync job ran.</summary>
    public sealed record Resynced(long Latest, long VacuumedThrough) : WriteResult;

    /// <summary>The transaction failed; nothing of it was stored.</summary>
    public sealed record Failed(string Reason) : WriteResult;
}
