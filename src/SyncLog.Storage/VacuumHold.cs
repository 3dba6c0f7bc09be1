namespace SyncLog.Storage;

/// <summary>Expired entries a vacuum kept because followers had not acknowledged them yet.</summary>
/// <param name="FromSequence">The first entry kept although older than the retention.</param>
/// <param name="Entries">How many entries from <paramref name="FromSequence"/> on are older than the retention but kept.</param>
/// <param name="Followers">The followers (not lost) whose ack is below <paramref name="FromSequence"/>: who holds them back.</param>
/// <param name="LearnedFollowers">
/// Followers of another leader this host learned of (not lost, no newer ack to this host) whose acked sequence is below
/// <paramref name="FromSequence"/>: held for on that leader's word; null when none.
/// </param>
public sealed record VacuumHold(long FromSequence, long Entries, IReadOnlyList<FollowerAck> Followers,
    IReadOnlyList<LearnedFollower>? LearnedFollowers = null);
