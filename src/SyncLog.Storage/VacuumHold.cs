namespace SyncLog.Storage;

/// <summary>Expired entries a vacuum kept because followers had not acknowledged them yet.</summary>
/// <param name="FromSequence">The first entry kept although older than the retention.</param>
/// <param name="Entries">How many entries from <paramref name="FromSequence"/> on are older than the retention but kept.</param>
/// <param name="Followers">The followers (not lost) whose ack is below <paramref name="FromSequence"/>: who holds them back.</param>
public sealed record VacuumHold(long FromSequence, long Entries, IReadOnlyList<FollowerAck> Followers);
