namespace SyncLog.Storage;

/// <summary>
/// What <see cref="SyncLogDb.ReplaceLearnedFollowersAsync"/> did: stored <paramref name="Stored"/> rows learned at
/// <paramref name="LearnedTerm"/>, or nothing (<paramref name="IsStale"/>) because a report of the higher term
/// <paramref name="LearnedTerm"/> was learned before: a deposed leader's report never replaces a newer leader's.
/// </summary>
public sealed record LearnedFollowersResult(bool IsStale, int Stored, long LearnedTerm);
