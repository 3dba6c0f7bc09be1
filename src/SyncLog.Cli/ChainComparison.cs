using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>How two copies of one library's log relate, judged from their chain heads.</summary>
internal enum ChainRelation
{
    /// <summary>Same latest sequence, same checksum: the same history.</summary>
    Equal,

    /// <summary>This log's whole history is the start of the other's (it is behind).</summary>
    PrefixOfOther,

    /// <summary>The other log's whole history is the start of this one's (the other is behind).</summary>
    OtherIsPrefix,

    /// <summary>The histories differ at or before <see cref="ChainComparison.At"/>.</summary>
    Diverged,

    /// <summary>Cannot be decided: the checksum needed is vacuumed or unknown on one side.</summary>
    Undecided,
}

/// <summary>
/// The O(1) comparison of two logs: their latest sequences and head checksums and, when the sequences differ, the longer
/// log's checksum at the shorter one's head (one indexed lookup).
/// </summary>
/// <param name="Relation">How the logs relate.</param>
/// <param name="At">The sequence compared: the common head, or the shorter log's head.</param>
internal sealed record ChainComparison(ChainRelation Relation, long At)
{
    /// <summary>
    /// Judges <paramref name="mine"/> against <paramref name="other"/>; <paramref name="longerAtShorterHead"/> is the longer
    /// log's checksum at the shorter one's latest sequence (ignored when both end at the same sequence).
    /// </summary>
    public static ChainComparison Of(ChainHead mine, ChainHead other, SyncLogChecksum? longerAtShorterHead)
    {
        if (mine.Sequence == other.Sequence)
        {
            if (mine.Checksum is not { } a || other.Checksum is not { } b)
                return new(ChainRelation.Undecided, mine.Sequence);
            return new(a == b ? ChainRelation.Equal : ChainRelation.Diverged, mine.Sequence);
        }

        var mineIsShorter = mine.Sequence < other.Sequence;
        var shorter = mineIsShorter ? mine : other;
        var prefix = mineIsShorter ? ChainRelation.PrefixOfOther : ChainRelation.OtherIsPrefix;
        // A never-written log is the start of every log.
        if (shorter.Sequence == 0)
            return new(prefix, 0);
        if (shorter.Checksum is not { } head || longerAtShorterHead is not { } there)
            return new(ChainRelation.Undecided, shorter.Sequence);
        return new(head == there ? prefix : ChainRelation.Diverged, shorter.Sequence);
    }
}
