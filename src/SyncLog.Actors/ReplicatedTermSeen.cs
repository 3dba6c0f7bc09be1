namespace SyncLog.Actors;

/// <summary>Journal event: this follower replicated a page of the leader at <paramref name="Term"/>; older terms are refused from now on.</summary>
public sealed record ReplicatedTermSeen(long Term);
