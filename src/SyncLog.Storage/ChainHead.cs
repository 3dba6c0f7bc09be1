namespace SyncLog.Storage;

/// <summary>Where a log's chain ends: its latest sequence and the checksum there, compared in O(1) with another log's.</summary>
/// <param name="Sequence">The latest sequence (0 for a never-written log).</param>
/// <param name="Checksum">The checksum at <paramref name="Sequence"/>; null when unknown (resynced without the leader's checksum).</param>
/// <param name="VacuumedThroughSequence">The vacuum floor: checksums below it are gone.</param>
public sealed record ChainHead(long Sequence, SyncLogChecksum? Checksum, long VacuumedThroughSequence);
