namespace SyncLog.Actors;

// Between a library actor and its LeadershipJournal child. Internal: the public protocol is in Protocol/.

/// <summary>Journal to library: recovery is over; the library's leadership and the highest replicated term.</summary>
internal sealed record LeadershipRecovered(LeadershipState Leadership, long HighestReplicatedTerm);

/// <summary>Library to journal: make this election durable; answered by <see cref="LeaderRecorded"/> or <see cref="LeaderNotRecorded"/>.</summary>
internal sealed record RecordLeader(LeaderElected Elected);

/// <summary>Journal to library: the election is durable.</summary>
internal sealed record LeaderRecorded(LeaderElected Elected);

/// <summary>Journal to library: the journal rejected the election; nothing was recorded and the journal lives on.</summary>
internal sealed record LeaderNotRecorded(string Reason);

/// <summary>Library to journal: remember that a page of this leader term was replicated (no reply).</summary>
internal sealed record RecordReplicatedTerm(long Term);

/// <summary>Journal to library: the journal could not be replayed or written; it stops after sending this.</summary>
internal sealed record JournalFailed(string Reason);
