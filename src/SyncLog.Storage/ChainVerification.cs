namespace SyncLog.Storage;

/// <summary>The result of <see cref="SyncLogDb.VerifyChainAsync"/>: whether every stored entry continues the checksum chain.</summary>
/// <param name="CheckedEntries">How many stored entries were recomputed.</param>
/// <param name="HeadSequence">The log's latest sequence.</param>
/// <param name="HeadChecksum">The stored checksum at <paramref name="HeadSequence"/> (null: unknown, after a resync without one).</param>
/// <param name="FirstBrokenSequence">The first sequence that does not continue the chain; null when the chain is intact.</param>
/// <param name="Problem">What is wrong at <paramref name="FirstBrokenSequence"/>; null when the chain is intact.</param>
public sealed record ChainVerification(
    long CheckedEntries,
    long HeadSequence,
    SyncLogChecksum? HeadChecksum,
    long? FirstBrokenSequence,
    string? Problem)
{
    /// <summary>True when every stored entry continues the chain.</summary>
    public bool IsIntact => FirstBrokenSequence is null;
}
