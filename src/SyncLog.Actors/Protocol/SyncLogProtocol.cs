using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors;

// The whole message protocol of the sync log host, requests and their replies side by side.
// Send requests to the supervisor (SyncLogHost.Supervisor); it routes them by LibraryId.
// Every reply names its library. Refusals are typed replies; nothing is written on any refusal.

/// <summary>A request addressed to one library's log; the supervisor routes it by <see cref="LibraryId"/>.</summary>
public interface ILibraryRequest
{
    /// <summary>The library the request is for.</summary>
    Guid LibraryId { get; }
}

/// <summary>A reply about one library's log.</summary>
public interface ILibraryReply
{
    /// <summary>The library the reply is about.</summary>
    Guid LibraryId { get; }
}

// ---- Opening ----

/// <summary>Open (creating if needed) the library's <c>sync.db</c>; the file exists once <see cref="LibraryOpened"/> arrives.</summary>
public sealed record OpenLibrary(Guid LibraryId) : ILibraryRequest;

/// <summary>The library's log is open; it ends at <paramref name="LatestSequence"/>.</summary>
public sealed record LibraryOpened(Guid LibraryId, long LatestSequence) : ILibraryReply;

// ---- Appending (leader only) ----

/// <summary>Append one entry; only while this device leads the library (and, if given, at <paramref name="ExpectedTerm"/>).</summary>
public sealed record Append(Guid LibraryId, NewSyncLogEntry Entry, long? ExpectedTerm = null) : ILibraryRequest;

/// <summary>The entry is durably committed at <paramref name="Sequence"/>.</summary>
public sealed record Appended(Guid LibraryId, long Sequence) : ILibraryReply;

/// <summary>Append entries in one transaction with contiguous sequences; same leadership rules as <see cref="Append"/>.</summary>
public sealed record AppendBatch(Guid LibraryId, IReadOnlyList<NewSyncLogEntry> Entries, long? ExpectedTerm = null)
    : ILibraryRequest;

/// <summary>The batch is durably committed at these contiguous sequences, in the batch's order.</summary>
public sealed record BatchAppended(Guid LibraryId, IReadOnlyList<long> Sequences) : ILibraryReply;

// ---- Reading ----

/// <summary>Entries after <paramref name="Sequence"/>, ascending, at most <paramref name="Limit"/> (1 to <see cref="SyncLogDb.MaxFetchLimit"/>).</summary>
public sealed record FetchSince(Guid LibraryId, long Sequence, int Limit) : ILibraryRequest;

/// <summary>A page of entries; see <see cref="FetchResult.IsTruncated"/> before reading it.</summary>
public sealed record Fetched(Guid LibraryId, FetchResult Result) : ILibraryReply;

/// <summary>Ask for the library's latest assigned sequence (answered from memory).</summary>
public sealed record GetLatestSequence(Guid LibraryId) : ILibraryRequest;

/// <summary>The latest assigned sequence; 0 for a never-written log.</summary>
public sealed record LatestSequence(Guid LibraryId, long Sequence) : ILibraryReply;

/// <summary>Entries made by one device after a sequence, ascending.</summary>
public sealed record FetchByDevice(Guid LibraryId, string DeviceId, long SinceSequence, int Limit) : ILibraryRequest;

/// <summary>The history of one record, oldest first.</summary>
public sealed record FetchByRecord(Guid LibraryId, string ModelType, string RecordId, int Limit) : ILibraryRequest;

/// <summary>Entries with <paramref name="From"/> &lt;= timestamp &lt; <paramref name="To"/>, by time.</summary>
public sealed record FetchByTimeRange(Guid LibraryId, DateTimeOffset From, DateTimeOffset To, int Limit) : ILibraryRequest;

/// <summary>The answer to <see cref="FetchByDevice"/>, <see cref="FetchByRecord"/> and <see cref="FetchByTimeRange"/>.</summary>
public sealed record EntriesFound(Guid LibraryId, IReadOnlyList<SyncLogEntry> Entries) : ILibraryReply;

/// <summary>Ask for the library's size and range, log id and followers (<see cref="SyncLogStats.Followers"/>).</summary>
public sealed record GetStats(Guid LibraryId) : ILibraryRequest;

/// <summary>What the library's log holds now.</summary>
public sealed record Stats(Guid LibraryId, SyncLogStats Value) : ILibraryReply;

// ---- Retention ----

/// <summary>
/// Delete entries older than <paramref name="Before"/> that every known follower has acknowledged, but followers silent
/// longer than <c>synclog.max-retention</c> (a prefix of the log only; see <see cref="SyncLogDb.VacuumAsync"/>).
/// <paramref name="DryRun"/>: report what would go and what is held back, write nothing (a read-only host answers it too).
/// </summary>
public sealed record VacuumOldEntries(Guid LibraryId, DateTimeOffset Before, bool DryRun = false) : ILibraryRequest;

/// <summary>
/// How many entries the vacuum removed (or would, for a dry run) through <paramref name="ThroughSequence"/>, and which
/// expired entries it kept for followers that have not acknowledged them (<paramref name="HeldBack"/>, null when none),
/// and which followers it stopped waiting for because their last ack is older than <c>synclog.max-retention</c>
/// (<paramref name="Lost"/>, and <paramref name="LostLearned"/> for followers learned from another leader; null when none).
/// </summary>
public sealed record Vacuumed(Guid LibraryId, int Removed, long? ThroughSequence = null, VacuumHold? HeldBack = null,
    bool DryRun = false, IReadOnlyList<FollowerAck>? Lost = null, IReadOnlyList<LearnedFollower>? LostLearned = null) : ILibraryReply;

// ---- Log identity and follower acknowledgements (retention that waits for followers) ----

/// <summary>Ask for the library's log identity (<see cref="SyncLogDb.LogId"/>), answered from memory; a follower sends it with its acks.</summary>
public sealed record GetLogId(Guid LibraryId) : ILibraryRequest;

/// <summary>
/// The library's log identity: a random GUID its <c>sync.db</c> got at creation. A wiped or recreated file gets a new one,
/// so acknowledgements sent for the old file are told apart from the new file's.
/// </summary>
public sealed record LogIdFound(Guid LibraryId, Guid LogId) : ILibraryReply;

/// <summary>
/// A follower (<paramref name="FollowerDeviceId"/>, whose log is <paramref name="FollowerLogId"/>) has durably replicated
/// every entry up to <paramref name="Sequence"/>. Any host records it (not only the leader), so acks survive a handover.
/// Refused with <see cref="InvalidRequest"/> when <paramref name="Sequence"/> is above this log's latest sequence, with
/// <see cref="AcknowledgementRefused"/> when the ack must not count (this host's own device, a forgotten or replaced log).
/// </summary>
public sealed record AcknowledgeReplicated(Guid LibraryId, string FollowerDeviceId, Guid FollowerLogId, long Sequence)
    : ILibraryRequest;

/// <summary>
/// The ack is recorded; <paramref name="AckedSequence"/> is what now counts for that follower's log (acks only move
/// forward, so it may be above the one just sent).
/// </summary>
public sealed record ReplicationAcknowledged(Guid LibraryId, string FollowerDeviceId, Guid FollowerLogId, long AckedSequence)
    : ILibraryReply;

/// <summary>The ack was not recorded and does not hold back vacuum; <paramref name="Reason"/> says why.</summary>
public sealed record AcknowledgementRefused(Guid LibraryId, string FollowerDeviceId, Guid FollowerLogId,
    AcknowledgementRefusalReason Reason, string Detail) : ILibraryReply;

/// <summary>Why an acknowledgement does not count.</summary>
public enum AcknowledgementRefusalReason
{
    /// <summary>It names this host's own device: a host never waits for itself (the self-ack bug).</summary>
    OwnDevice,

    /// <summary>That log of the device was dropped by <see cref="ForgetFollower"/>; a new log (a reset device) registers again.</summary>
    Forgotten,

    /// <summary>The device has since acknowledged with another log (it was reset): its old log's acks no longer count.</summary>
    Replaced,

    /// <summary>
    /// The ack would replace the known log of the device (a reset device), which a host that does not serve writes
    /// refuses to remote peers: replacing is an admin act, like <see cref="ForgetFollower"/>. Nothing was written.
    /// </summary>
    ReplaceNotServed,
}

/// <summary>
/// Stop waiting for <paramref name="FollowerDeviceId"/> (a lost or retired device): its record is dropped and its log's
/// later acks are refused as <see cref="AcknowledgementRefusalReason.Forgotten"/>. Always answered with <see cref="FollowerForgotten"/>.
/// </summary>
public sealed record ForgetFollower(Guid LibraryId, string FollowerDeviceId) : ILibraryRequest;

/// <summary>The follower is forgotten; <paramref name="WasKnown"/> says whether this host had a record or a learned row of it.</summary>
public sealed record FollowerForgotten(Guid LibraryId, string FollowerDeviceId, bool WasKnown) : ILibraryReply;

// ---- Handover: a follower learns its leader's followers, so that as the next leader it vacuums nothing they need ----

/// <summary>
/// Ask which followers this host waits for: its followers' acks and what it learned from a former leader, without log
/// ids. A <see cref="LibraryFollower"/> asks its leader and hands the answer to its own host (<see cref="LearnFollowers"/>).
/// </summary>
public sealed record GetFollowers(Guid LibraryId) : ILibraryRequest;

/// <summary>
/// The answer to <see cref="GetFollowers"/> (<see cref="SyncLogDb.VouchedFollowersAsync"/>), lost followers included, with
/// the answering host's leadership term (<paramref name="LeaderTerm"/>): what a follower learns is fenced by it.
/// </summary>
public sealed record FollowersFound(Guid LibraryId, IReadOnlyList<KnownFollower> Followers, long LeaderTerm) : ILibraryReply;

/// <summary>
/// Local only: leader <paramref name="LeaderDeviceId"/> reported <paramref name="Followers"/>; they replace what this host
/// learned before and hold back its vacuum until each device acks this host (<see cref="SyncLogDb.ReplaceLearnedFollowersAsync"/>).
/// <paramref name="LeaderTerm"/> is that leader's term (<see cref="FollowersFound.LeaderTerm"/>): a report of a term below
/// the highest this host knows (its leadership, the pages it replicated, the report it learned last) is refused with
/// <see cref="StaleTerm"/> and changes nothing, so a deposed leader still running cannot replace a newer leader's set.
/// Refused with <see cref="RequestNotServed"/> from a remote peer (unless writes are served) and where writes are refused,
/// and with <see cref="InvalidRequest"/> where this host leads (only a follower learns).
/// </summary>
public sealed record LearnFollowers(Guid LibraryId, string LeaderDeviceId, long LeaderTerm, IReadOnlyList<KnownFollower> Followers)
    : ILibraryRequest;

/// <summary>The learned followers are stored: <paramref name="Count"/> rows (a row of this host's own device never is).</summary>
public sealed record FollowersLearned(Guid LibraryId, string LeaderDeviceId, int Count) : ILibraryReply;

// ---- Leadership (from leader election) ----

/// <summary>Leader election's decision: <paramref name="LeaderDeviceId"/> leads the library from <paramref name="Term"/> on. Persisted.</summary>
public sealed record LeadershipChanged(Guid LibraryId, string LeaderDeviceId, long Term) : ILibraryRequest;

/// <summary>The leadership change is durably recorded (or was already the current one).</summary>
public sealed record LeadershipAck(Guid LibraryId, long Term) : ILibraryReply;

/// <summary>Ask who leads the library.</summary>
public sealed record GetLeadership(Guid LibraryId) : ILibraryRequest;

/// <summary>The library's current leader (null before any election) and term (0 before any).</summary>
public sealed record Leadership(Guid LibraryId, string? LeaderDeviceId, long Term, bool IsThisDevice) : ILibraryReply;

// ---- Replication (followers) ----

/// <summary>
/// Mirror the leader's entries with the leader's sequences; they must continue the local log exactly.
/// <paramref name="LeaderTerm"/> is the term of the leader that sent the page: a page of a term older than the highest
/// this follower knows (its leadership term or the highest it replicated) is refused with <see cref="StaleTerm"/>.
/// </summary>
public sealed record Replicate(Guid LibraryId, IReadOnlyList<SyncLogEntry> Entries, long LeaderTerm) : ILibraryRequest;

/// <summary>The entries are mirrored (exact duplicates were skipped); the local log now ends at <paramref name="LatestSequence"/>.</summary>
public sealed record Replicated(Guid LibraryId, long LatestSequence) : ILibraryReply;

/// <summary>
/// Replication refused, nothing written: a gap or a conflicting entry (fetch from <paramref name="LocalLatestSequence"/>
/// and retry), or <see cref="ReplicationOutcome.Diverged"/>: the entry at <paramref name="ConflictingSequence"/> does not
/// continue the local checksum chain, so leader and follower hold different histories at or before it.
/// </summary>
public sealed record ReplicationRefused(Guid LibraryId, long LocalLatestSequence, ReplicationOutcome Reason,
    long? ConflictingSequence) : ILibraryReply;

/// <summary>
/// A follower that fell behind the leader's vacuum (<see cref="FetchResult.IsTruncated"/>) and rebuilt its state up to
/// <paramref name="Sequence"/> restarts its log there, so <see cref="Replicate"/> continues from <paramref name="Sequence"/> + 1.
/// <paramref name="Checksum"/> is the leader's chain checksum at <paramref name="Sequence"/>
/// (<see cref="FetchResult.VacuumedThroughChecksum"/>): with it the next page is verified; without it the next page's
/// first checksum is adopted unchecked.
/// </summary>
public sealed record ResyncFrom(Guid LibraryId, long Sequence, SyncLogChecksum? Checksum = null) : ILibraryRequest;

/// <summary>The local log now continues after <paramref name="LatestSequence"/>; entries up to <paramref name="VacuumedThroughSequence"/> are gone.</summary>
public sealed record Resynced(Guid LibraryId, long LatestSequence, long VacuumedThroughSequence) : ILibraryReply;

// ---- Divergence detection ----

/// <summary>Recompute the library's whole checksum chain from its file (O(entries)) and report the first break.</summary>
public sealed record VerifyChain(Guid LibraryId) : ILibraryRequest;

/// <summary>The answer to <see cref="VerifyChain"/>.</summary>
public sealed record ChainVerified(Guid LibraryId, ChainVerification Result) : ILibraryReply;

/// <summary>Ask for the library's latest sequence and chain checksum there (O(1)), to compare with another log's.</summary>
public sealed record GetChainHead(Guid LibraryId) : ILibraryRequest;

/// <summary>The answer to <see cref="GetChainHead"/>.</summary>
public sealed record ChainHeadFound(Guid LibraryId, ChainHead Head) : ILibraryReply;

/// <summary>Ask for the chain checksum at one sequence (one indexed lookup).</summary>
public sealed record GetChecksumAt(Guid LibraryId, long Sequence) : ILibraryRequest;

/// <summary>The checksum at <paramref name="Sequence"/>; null when that entry was vacuumed or never written.</summary>
public sealed record ChecksumFound(Guid LibraryId, long Sequence, SyncLogChecksum? Checksum) : ILibraryReply;

// ---- Refusals ----

/// <summary>Refused: this device does not lead the library; <paramref name="LeaderDeviceId"/> does (null: nobody yet).</summary>
public sealed record NotLeader(Guid LibraryId, string? LeaderDeviceId, long Term) : ILibraryReply;

/// <summary>Refused: the request's term (<paramref name="RequestedTerm"/>) does not match the library's current term.</summary>
public sealed record StaleTerm(Guid LibraryId, long RequestedTerm, long CurrentTerm, string? CurrentLeaderDeviceId)
    : ILibraryReply;

/// <summary>
/// Refused: the library has no <c>sync.db</c> at <paramref name="FilePath"/> and this request does not create one
/// (reads, vacuum, refused writes never do; <see cref="OpenLibrary"/>, an accepted append or replication does).
/// </summary>
public sealed record LibraryNotFound(Guid LibraryId, string FilePath) : ILibraryReply;

/// <summary>Refused: the request itself is malformed; <paramref name="Reason"/> says what is wrong and what is allowed.</summary>
public sealed record InvalidRequest(Guid LibraryId, string Reason) : ILibraryReply;

/// <summary>Refused: the library's log could not be opened or written; nothing of this request was written.</summary>
public sealed record StorageFailure(Guid LibraryId, string Reason) : ILibraryReply;

/// <summary>Refused: more appends are waiting than <c>synclog.max-pending-appends</c>; retry later.</summary>
public sealed record Overloaded(Guid LibraryId, int PendingAppends) : ILibraryReply;

/// <summary>
/// Refused: this endpoint does not serve <paramref name="Request"/> (a write or admin request sent to a served host's
/// gateway, which serves only reads and following unless <c>synclog.serve.allow-writes</c> is on); nothing was written.
/// </summary>
public sealed record RequestNotServed(Guid LibraryId, string Request, string Reason) : ILibraryReply;

// ---- Subscriptions (live, pushed on commit) ----

/// <summary>
/// Subscribe <paramref name="Subscriber"/> to every entry after <paramref name="AfterSequence"/>, in order: first what the
/// file holds, then each commit as it happens. Entries flow only within demand (<paramref name="InitialDemand"/> plus each
/// <see cref="RequestEntries"/>). Replies go to <paramref name="Subscriber"/>: <see cref="SubscriptionStarted"/>, then
/// <see cref="SubscriptionEntries"/> pages, and exactly one <see cref="SubscriptionEnded"/>. Refusals go to the sender.
/// </summary>
public sealed record Subscribe(Guid LibraryId, long AfterSequence, IActorRef Subscriber, long InitialDemand = 0) : ILibraryRequest;

/// <summary>The subscription is live; entries after <paramref name="AfterSequence"/> follow as demand allows.</summary>
public sealed record SubscriptionStarted(Guid LibraryId, long AfterSequence, long LatestSequence) : ILibraryReply;

/// <summary>Allow <paramref name="Count"/> more entries to be pushed to <paramref name="Subscriber"/> (the demand of the protocol).</summary>
public sealed record RequestEntries(Guid LibraryId, IActorRef Subscriber, long Count) : ILibraryRequest;

/// <summary>Entries pushed to a subscriber: contiguous, ascending, continuing the last page, never more than its demand.</summary>
public sealed record SubscriptionEntries(Guid LibraryId, IReadOnlyList<SyncLogEntry> Entries) : ILibraryReply;

/// <summary>End <paramref name="Subscriber"/>'s subscription; it gets <see cref="SubscriptionEnded"/> with <see cref="SubscriptionEndReason.Unsubscribed"/>.</summary>
public sealed record Unsubscribe(Guid LibraryId, IActorRef Subscriber) : ILibraryRequest;

/// <summary>
/// The subscription is over and nothing more follows. <paramref name="LastDeliveredSequence"/> is the last entry pushed
/// (resubscribe after it); <paramref name="VacuumedThroughSequence"/> is set when the reason is <see cref="SubscriptionEndReason.Truncated"/>.
/// </summary>
public sealed record SubscriptionEnded(Guid LibraryId, SubscriptionEndReason Reason, long LastDeliveredSequence,
    long VacuumedThroughSequence, string Detail) : ILibraryReply;

/// <summary>Why a subscription ended.</summary>
public enum SubscriptionEndReason
{
    /// <summary>The subscriber asked (<see cref="Unsubscribe"/>).</summary>
    Unsubscribed,

    /// <summary>The next entries were vacuumed (at subscribe time or later): resync, as for <see cref="FetchResult.IsTruncated"/>.</summary>
    Truncated,

    /// <summary>The library's actor stopped (shutdown, a restart after a bug, a passivation that raced the subscribe): resubscribe after the last delivered sequence.</summary>
    LibraryStopped,

    /// <summary>The library failed (its file or leadership journal could not be opened, or a read failed): resubscribe later.</summary>
    LibraryFailed,
}
