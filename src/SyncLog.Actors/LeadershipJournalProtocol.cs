using Akka.Actor;

namespace SyncLog.Actors;

// Between a library actor and its LeadershipJournal child. Internal: the public protocol is in Protocol/. Parent and
// child share a process, so these are never serialized.

/// <summary>Journal to library: recovery is over; the library's leadership and the highest replicated term.</summary>
internal sealed record LeadershipRecovered(LeadershipState Leadership, long HighestReplicatedTerm) : INoSerializationVerificationNeeded;

/// <summary>Library to journal: make this election durable; answered by <see cref="LeaderRecorded"/> or <see cref="LeaderNotRecorded"/>.</summary>
internal sealed record RecordLeader(LeaderElected Elected) : INoSerializationVerificationNeeded;

/// <summary>Journal to library: the election is durable.</summary>
internal sealed record LeaderRecorded(LeaderElected Elected) : INoSerializationVerificationNeeded;

/// <summary>Journal to library: the journal rejected the election; nothing was recorded and the journal lives on.</summary>
internal sealed record LeaderNotRecorded(string Reason) : INoSerializationVerificationNeeded;

/// <summary>
/// Library to journal: make durable that a page of this leader term is about to be replicated; answered by
/// <see cref="ReplicatedTermRecorded"/> or <see cref="ReplicatedTermNotRecorded"/> (also when the write fails).
/// </summary>
internal sealed record RecordReplicatedTerm(long Term) : INoSerializationVerificationNeeded;

/// <summary>Journal to library: the replicated term is durable (or an equal or higher one already was).</summary>
internal sealed record ReplicatedTermRecorded(long Term) : INoSerializationVerificationNeeded;

/// <summary>Journal to library: the replicated term could not be recorded; the page must not be applied.</summary>
internal sealed record ReplicatedTermNotRecorded(long Term, string Reason) : INoSerializationVerificationNeeded;

/// <summary>Journal to library: the journal could not be replayed or written; it stops after sending this.</summary>
internal sealed record JournalFailed(string Reason) : INoSerializationVerificationNeeded;
