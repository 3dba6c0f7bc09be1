namespace SyncLog.Storage;

/// <summary>What a vacuum removed (or, for a plan, would remove) and what it held back for followers.</summary>
/// <param name="Removed">Entries removed (or that would be).</param>
/// <param name="ThroughSequence">The last entry removed (or that would be); null when none.</param>
/// <param name="HeldBack">Expired entries kept for followers that have not acked them; null when none were.</param>
public sealed record VacuumReport(int Removed, long? ThroughSequence, VacuumHold? HeldBack);
