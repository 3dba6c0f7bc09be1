namespace SyncLog.Storage;

/// <summary>What a vacuum removed (or, for a plan, would remove), what it held back for followers, and whom it stopped waiting for.</summary>
/// <param name="Removed">Entries removed (or that would be).</param>
/// <param name="ThroughSequence">The last entry removed (or that would be); null when none.</param>
/// <param name="HeldBack">Expired entries kept for followers that have not acked them; null when none were.</param>
/// <param name="Lost">
/// Followers whose last ack is older than <see cref="VacuumPolicy.LostBefore"/> (<c>max-retention</c>), so their acks no
/// longer held anything back; null when none were.
/// </param>
/// <param name="LostLearned">Followers learned from another leader whose last ack there is that old; null when none were.</param>
public sealed record VacuumReport(int Removed, long? ThroughSequence, VacuumHold? HeldBack, IReadOnlyList<FollowerAck>? Lost = null,
    IReadOnlyList<LearnedFollower>? LostLearned = null);
