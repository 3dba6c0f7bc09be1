namespace SyncLog.Actors;

/// <summary>Snapshot of a library's leadership journal: the leadership and the highest leader term it replicated.</summary>
public sealed record LeadershipJournalState(LeadershipState Leadership, long HighestReplicatedTerm);
