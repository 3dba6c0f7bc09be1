using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// Typed asks to the sync log supervisor: each method returns what its reply carries on success and throws a
/// <see cref="SyncLogException"/> subtype for every refusal, a timeout or an unexpected reply.
/// </summary>
/// <remarks>
/// A thin wrapper over <see cref="Futures.Ask{T}(ICanTell, object, TimeSpan?, CancellationToken)"/>; actors should
/// keep using <c>Tell</c> and handle the reply messages themselves.
/// </remarks>
public sealed class SyncLogClient
{
    /// <summary>The timeout a client uses unless given another.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A client of <paramref name="supervisor"/> (e.g. <see cref="SyncLogHost.Supervisor"/>) that waits up to <paramref name="timeout"/> per request.</summary>
    public SyncLogClient(IActorRef supervisor, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        var wait = timeout ?? DefaultTimeout;
        if (wait <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), wait, $"timeout must be positive, got {wait}");
        Supervisor = supervisor;
        Timeout = wait;
    }

    /// <summary>The supervisor every request goes to.</summary>
    public IActorRef Supervisor { get; }

    /// <summary>How long each request waits for its reply before <see cref="SyncLogTimeoutException"/>.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The same client with another per-request timeout.</summary>
    public SyncLogClient WithTimeout(TimeSpan timeout) => new(Supervisor, timeout);

    /// <summary>Opens (creating if needed) the library's log; returns its latest sequence.</summary>
    public async Task<long> OpenLibraryAsync(Guid libraryId, CancellationToken cancellationToken = default) =>
        (await AskAsync<LibraryOpened>(new OpenLibrary(libraryId), cancellationToken)).LatestSequence;

    /// <summary>Appends one entry (leader only); returns its sequence once it is durably committed.</summary>
    public async Task<long> AppendAsync(Guid libraryId, NewSyncLogEntry entry, long? expectedTerm = null,
        CancellationToken cancellationToken = default) =>
        (await AskAsync<Appended>(new Append(libraryId, entry, expectedTerm), cancellationToken)).Sequence;

    /// <summary>Appends entries in one transaction (leader only); returns their contiguous sequences in order.</summary>
    public async Task<IReadOnlyList<long>> AppendBatchAsync(Guid libraryId, IReadOnlyList<NewSyncLogEntry> entries,
        long? expectedTerm = null, CancellationToken cancellationToken = default) =>
        (await AskAsync<BatchAppended>(new AppendBatch(libraryId, entries, expectedTerm), cancellationToken)).Sequences;

    /// <summary>Entries after <paramref name="sequence"/>, at most <paramref name="limit"/>; check <see cref="FetchResult.IsTruncated"/>.</summary>
    public async Task<FetchResult> FetchSinceAsync(Guid libraryId, long sequence, int limit,
        CancellationToken cancellationToken = default) =>
        (await AskAsync<Fetched>(new FetchSince(libraryId, sequence, limit), cancellationToken)).Result;

    /// <summary>The library's latest assigned sequence (0 for a never-written log).</summary>
    public async Task<long> GetLatestSequenceAsync(Guid libraryId, CancellationToken cancellationToken = default) =>
        (await AskAsync<LatestSequence>(new GetLatestSequence(libraryId), cancellationToken)).Sequence;

    /// <summary>Entries made by <paramref name="deviceId"/> after <paramref name="sinceSequence"/>, ascending.</summary>
    public async Task<IReadOnlyList<SyncLogEntry>> FetchByDeviceAsync(Guid libraryId, string deviceId, long sinceSequence,
        int limit, CancellationToken cancellationToken = default) =>
        (await AskAsync<EntriesFound>(new FetchByDevice(libraryId, deviceId, sinceSequence, limit), cancellationToken)).Entries;

    /// <summary>The history of one record, oldest first.</summary>
    public async Task<IReadOnlyList<SyncLogEntry>> FetchByRecordAsync(Guid libraryId, string modelType, string recordId,
        int limit, CancellationToken cancellationToken = default) =>
        (await AskAsync<EntriesFound>(new FetchByRecord(libraryId, modelType, recordId, limit), cancellationToken)).Entries;

    /// <summary>Entries with <paramref name="from"/> &lt;= timestamp &lt; <paramref name="to"/>, by time.</summary>
    public async Task<IReadOnlyList<SyncLogEntry>> FetchByTimeRangeAsync(Guid libraryId, DateTimeOffset from,
        DateTimeOffset to, int limit, CancellationToken cancellationToken = default) =>
        (await AskAsync<EntriesFound>(new FetchByTimeRange(libraryId, from, to, limit), cancellationToken)).Entries;

    /// <summary>What the library's log holds now.</summary>
    public async Task<SyncLogStats> GetStatsAsync(Guid libraryId, CancellationToken cancellationToken = default) =>
        (await AskAsync<Stats>(new GetStats(libraryId), cancellationToken)).Value;

    /// <summary>Deletes entries older than <paramref name="before"/> (a prefix only); returns how many were removed.</summary>
    public async Task<int> VacuumOldEntriesAsync(Guid libraryId, DateTimeOffset before,
        CancellationToken cancellationToken = default) =>
        (await AskAsync<Vacuumed>(new VacuumOldEntries(libraryId, before), cancellationToken)).Removed;

    /// <summary>
    /// Vacuums like <see cref="VacuumOldEntriesAsync"/> (or, with <paramref name="dryRun"/>, only reports) and returns the
    /// whole answer: what was removed and what was held back for followers that have not acknowledged it.
    /// </summary>
    public Task<Vacuumed> VacuumAsync(Guid libraryId, DateTimeOffset before, bool dryRun = false,
        CancellationToken cancellationToken = default) =>
        AskAsync<Vacuumed>(new VacuumOldEntries(libraryId, before, dryRun), cancellationToken);

    /// <summary>The library's log identity (a random GUID its <c>sync.db</c> got at creation).</summary>
    public async Task<Guid> GetLogIdAsync(Guid libraryId, CancellationToken cancellationToken = default) =>
        (await AskAsync<LogIdFound>(new GetLogId(libraryId), cancellationToken)).LogId;

    /// <summary>
    /// Tells the log that follower <paramref name="followerDeviceId"/> (log <paramref name="followerLogId"/>) has durably
    /// replicated up to <paramref name="sequence"/>; returns what now counts for it. A refused ack throws
    /// <see cref="AcknowledgementRefusedException"/>.
    /// </summary>
    public async Task<long> AcknowledgeReplicatedAsync(Guid libraryId, string followerDeviceId, Guid followerLogId, long sequence,
        CancellationToken cancellationToken = default) =>
        (await AskAsync<ReplicationAcknowledged>(new AcknowledgeReplicated(libraryId, followerDeviceId, followerLogId, sequence),
            cancellationToken)).AckedSequence;

    /// <summary>Stops waiting for a follower device; returns whether the log had a record of it.</summary>
    public async Task<bool> ForgetFollowerAsync(Guid libraryId, string followerDeviceId,
        CancellationToken cancellationToken = default) =>
        (await AskAsync<FollowerForgotten>(new ForgetFollower(libraryId, followerDeviceId), cancellationToken)).WasKnown;

    /// <summary>Records leader election's decision (persisted); returns the acknowledged term.</summary>
    public async Task<long> ChangeLeadershipAsync(Guid libraryId, string leaderDeviceId, long term,
        CancellationToken cancellationToken = default) =>
        (await AskAsync<LeadershipAck>(new LeadershipChanged(libraryId, leaderDeviceId, term), cancellationToken)).Term;

    /// <summary>Who leads the library, at which term, and whether it is this host's device.</summary>
    public Task<Leadership> GetLeadershipAsync(Guid libraryId, CancellationToken cancellationToken = default) =>
        AskAsync<Leadership>(new GetLeadership(libraryId), cancellationToken);

    /// <summary>
    /// Mirrors the entries of the leader at <paramref name="leaderTerm"/> (followers only); returns the local latest
    /// sequence after them. A page from a term older than the follower knows throws <see cref="StaleTermException"/>.
    /// </summary>
    public async Task<long> ReplicateAsync(Guid libraryId, IReadOnlyList<SyncLogEntry> entries, long leaderTerm,
        CancellationToken cancellationToken = default) =>
        (await AskAsync<Replicated>(new Replicate(libraryId, entries, leaderTerm), cancellationToken)).LatestSequence;

    /// <summary>Restarts a follower's log after <paramref name="sequence"/> once it rebuilt its state from the leader.</summary>
    public Task<Resynced> ResyncFromAsync(Guid libraryId, long sequence, CancellationToken cancellationToken = default) =>
        AskAsync<Resynced>(new ResyncFrom(libraryId, sequence), cancellationToken);

    /// <summary>
    /// <see cref="ResyncFromAsync(Guid, long, CancellationToken)"/> with the leader's chain checksum at
    /// <paramref name="sequence"/> (<see cref="FetchResult.VacuumedThroughChecksum"/>), so the next page is verified too.
    /// </summary>
    public Task<Resynced> ResyncFromAsync(Guid libraryId, long sequence, SyncLogChecksum checksumAtSequence,
        CancellationToken cancellationToken = default) =>
        AskAsync<Resynced>(new ResyncFrom(libraryId, sequence, checksumAtSequence), cancellationToken);

    /// <summary>
    /// Sends <paramref name="request"/> and returns its <typeparamref name="TReply"/>; a refusal throws its
    /// <see cref="SyncLogException"/>, no reply in time <see cref="SyncLogTimeoutException"/>, any other reply
    /// <see cref="UnexpectedSyncLogReplyException"/>.
    /// </summary>
    public async Task<TReply> AskAsync<TReply>(ILibraryRequest request, CancellationToken cancellationToken = default)
        where TReply : ILibraryReply
    {
        ArgumentNullException.ThrowIfNull(request);
        object reply;
        try
        {
            reply = await Supervisor.Ask<object>(request, Timeout, cancellationToken);
        }
        catch (AskTimeoutException e)
        {
            throw new SyncLogTimeoutException(request, Timeout, e);
        }

        // Refusals first, so asking for ILibraryReply itself still turns a refusal into its exception.
        var refusal = ToException(reply);
        if (refusal is not null)
            throw refusal;
        return reply is TReply expected
            ? expected
            : throw new UnexpectedSyncLogReplyException(request, typeof(TReply), reply);
    }

    /// <summary>The exception for a refusal reply, or null when <paramref name="reply"/> is not a refusal.</summary>
    public static SyncLogException? ToException(object reply) => reply switch
    {
        NotLeader r => new NotLeaderException(r),
        StaleTerm r => new StaleTermException(r),
        StorageFailure r => new SyncLogStorageException(r),
        InvalidRequest r => new InvalidSyncLogRequestException(r),
        Overloaded r => new SyncLogOverloadedException(r),
        LibraryNotFound r => new LibraryNotFoundException(r),
        ReplicationRefused r => new ReplicationRefusedException(r),
        RequestNotServed r => new RequestNotServedException(r),
        AcknowledgementRefused r => new AcknowledgementRefusedException(r),
        _ => null,
    };
}
