using Microsoft.Data.Sqlite;
using SyncLog.Storage.Schema;

namespace SyncLog.Storage;

/// <summary>
/// One library's append-only sync log in <c>{dataDir}/libraries/{libraryId}/sync.db</c>. While open it holds
/// an exclusive OS lock on the file, one write connection (appends, replication, vacuum; serialized) and one
/// read-only connection (fetches and helpers, never waiting behind a write). Safe for concurrent use.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite does its I/O synchronously: the async methods complete on the calling thread.
/// Callers that must not block (actors) should run them on the thread pool.
/// </remarks>
public sealed class SyncLogDb : IAsyncDisposable
{
    /// <summary>The largest page a fetch or helper query returns.</summary>
    public const int MaxFetchLimit = 10_000;

    /// <summary>
    /// <c>wal_autocheckpoint</c> of the write connection. Checkpoints normally run in the background after about 1000
    /// WAL frames, on a connection of their own; the writer checkpoints itself only past this many.
    /// </summary>
    public const int WriterWalAutoCheckpointFrames = 4000;

    /// <summary>The file name of a library's log inside its folder.</summary>
    public const string FileName = "sync.db";

    private readonly ExclusiveFileLock? _fileLock;
    private readonly SyncLogWriter? _writer;
    private readonly SyncLogReader _reader;
    private readonly SyncLogDbOptions _options;
    private int _disposed;

    private SyncLogDb(Guid libraryId, string filePath, Guid logId, SyncLogDbOptions options, ExclusiveFileLock? fileLock,
        SyncLogWriter? writer, SyncLogReader reader)
    {
        LibraryId = libraryId;
        LogId = logId;
        FilePath = filePath;
        _options = options;
        _fileLock = fileLock;
        _writer = writer;
        _reader = reader;
    }

    /// <summary>The library this log belongs to.</summary>
    public Guid LibraryId { get; }

    /// <summary>Absolute path of the <c>sync.db</c> file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// This file's identity: a random GUID given when the file was created (or reached schema v6), kept for its life.
    /// A device that wipes or recreates its log gets a new one, so its old acknowledgements can be told from new ones.
    /// </summary>
    public Guid LogId { get; }

    /// <summary>The path <see cref="OpenAsync"/> uses for a library under <paramref name="dataDir"/>.</summary>
    public static string PathFor(Guid libraryId, string dataDir) =>
        Path.Combine(Path.GetFullPath(dataDir), "libraries", libraryId.ToString("D"), FileName);

    /// <summary>
    /// Creates the library's <c>sync.db</c> (folders included) or opens it, takes its exclusive lock and runs migrations.
    /// </summary>
    /// <exception cref="SyncLogLockedException">Another owner, in this or another process, has the log open.</exception>
    /// <exception cref="SyncLogSchemaException">The file was written by a newer build; it is left untouched.</exception>
    /// <exception cref="SyncLogOpenException">
    /// The file is not a readable SQLite database (garbage, truncated, a folder), its WAL is damaged, its folder cannot
    /// be created or written, or its rows cannot be upgraded; the files are left untouched.
    /// </exception>
    public static Task<SyncLogDb> OpenAsync(Guid libraryId, string dataDir, SyncLogDbOptions? options = null,
        CancellationToken ct = default)
    {
        if (libraryId == Guid.Empty)
            throw new ArgumentException("library id must not be the empty GUID", nameof(libraryId));
        if (string.IsNullOrWhiteSpace(dataDir))
            throw new ArgumentException("data dir must not be empty", nameof(dataDir));
        options ??= SyncLogDbOptions.Default;
        options.Validate();
        ct.ThrowIfCancellationRequested();

        var filePath = PathFor(libraryId, dataDir);
        if (options.ReadOnly)
            return Task.FromResult(OpenReadOnly(libraryId, filePath, options));
        CreateFolder(filePath);
        var fileLock = ExclusiveFileLock.Acquire(filePath + ".lock", filePath,
            $"sync log '{filePath}' is already open by another owner (this or another process); only one writer may own a library's log");
        SqliteConnection? writeConnection = null;
        SyncLogWriter? writer = null;
        try
        {
            // Before SQLite sees the file: closing a connection would checkpoint and delete a damaged WAL.
            SyncLogFileCheck.ThrowIfDamaged(filePath);
            writeConnection = SqliteConnectionFactory.Open(filePath, options, readOnly: false);
            var version = Migrator.ThrowIfNewerThanKnown(writeConnection, filePath);
            Migrator.ThrowIfNotMigratable(writeConnection, filePath, version);
            Migrator.PrepareNewFile(writeConnection);
            SqliteConnectionFactory.EnableWal(writeConnection, filePath);
            SqliteConnectionFactory.SetAutoCheckpoint(writeConnection, BackgroundCheckpointer.BackstopFrames);
            Migrator.Migrate(writeConnection, filePath);
            Migrator.EnsureIncrementalAutoVacuum(writeConnection);
            SqliteConnectionFactory.LimitFileSize(writeConnection, options.MaxFileSizeBytes);
            var logId = LogIdentity.Read(writeConnection);
            writer = new SyncLogWriter(writeConnection, new BackgroundCheckpointer(filePath, options), filePath, options);
            var reader = new SyncLogReader(SqliteConnectionFactory.Open(filePath, options, readOnly: true), filePath);
            return Task.FromResult(new SyncLogDb(libraryId, filePath, logId, options, fileLock, writer, reader));
        }
        catch (SqliteException e)
        {
            Release(writer, writeConnection, fileLock);
            throw new SyncLogOpenException(filePath, $"sync log '{filePath}' could not be opened: {e.Message}", e);
        }
        catch
        {
            Release(writer, writeConnection, fileLock);
            throw;
        }
    }

    private static SyncLogDb OpenReadOnly(Guid libraryId, string filePath, SyncLogDbOptions options)
    {
        if (!File.Exists(filePath))
            throw new SyncLogOpenException(filePath, $"there is no sync log at '{filePath}'");
        SqliteConnection? connection = null;
        try
        {
            SyncLogFileCheck.ThrowIfDamaged(filePath);
            connection = SqliteConnectionFactory.Open(filePath, options, readOnly: true);
            var version = Migrator.ThrowIfNewerThanKnown(connection, filePath);
            if (version < Migrations.LatestVersion)
                throw new SyncLogOpenException(filePath,
                    $"sync log '{filePath}' has schema version {version}; it is migrated to {Migrations.LatestVersion} when its owner opens it for writing");
            return new SyncLogDb(libraryId, filePath, LogIdentity.Read(connection), options, fileLock: null, writer: null,
                new SyncLogReader(connection, filePath));
        }
        catch (SqliteException e)
        {
            connection?.Dispose();
            throw new SyncLogOpenException(filePath, $"sync log '{filePath}' could not be opened: {e.Message}", e);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends one entry and returns its sequence, after the commit is durable. If its idempotency key is in the
    /// window, nothing is written and the sequence the key was first given is returned.
    /// </summary>
    /// <exception cref="ArgumentException">The entry is invalid; nothing was written.</exception>
    /// <exception cref="SyncLogSequenceExhaustedException">Sequences are used up to <see cref="EntryValidator.MaxSequence"/>; nothing was written.</exception>
    /// <exception cref="SyncLogFullException">The file reached <see cref="SyncLogDbOptions.MaxFileSizeBytes"/> or the disk is full; nothing was written.</exception>
    public async Task<long> AppendAsync(NewSyncLogEntry entry, CancellationToken ct = default)
    {
        EntryValidator.Validate(entry, nameof(entry));
        ThrowIfDisposed();
        var sequences = await Writer.AppendAsync([entry], ct);
        return sequences[0];
    }

    /// <summary>
    /// Appends entries in one transaction and returns one sequence per entry, in input order: new entries get
    /// contiguous sequences; an entry whose idempotency key is in the window (or earlier in this batch) writes
    /// nothing and gets the sequence its key was first given.
    /// </summary>
    /// <exception cref="ArgumentException">An entry is invalid or the batch is empty; nothing was written.</exception>
    /// <exception cref="SyncLogSequenceExhaustedException">The batch would pass <see cref="EntryValidator.MaxSequence"/>; nothing was written.</exception>
    /// <exception cref="SyncLogFullException">The file reached <see cref="SyncLogDbOptions.MaxFileSizeBytes"/> or the disk is full; nothing was written.</exception>
    public Task<IReadOnlyList<long>> AppendBatchAsync(IReadOnlyList<NewSyncLogEntry> entries,
        CancellationToken ct = default)
    {
        EntryValidator.ValidateBatch(entries, nameof(entries));
        ThrowIfDisposed();
        return Writer.AppendAsync(entries, ct);
    }

    /// <summary>
    /// The latest sequence and the checksum the next appended entry chains on, for an <see cref="AppendChain"/> to start
    /// from; exact only while no write runs.
    /// </summary>
    internal (long Latest, SyncLogChecksum Head) ChainTip
    {
        get
        {
            ThrowIfDisposed();
            return Writer.Tip;
        }
    }

    /// <summary>
    /// How many prepared entries so far were chained on a guess that did not hold (the writer linked them itself): an
    /// <see cref="AppendChain"/> whose guess broke stops guessing until it can start over from the file.
    /// </summary>
    internal long RelinkedEntries => Writer.Relinked;

    /// <summary>
    /// <see cref="AppendBatchAsync"/> for a host that has already run <see cref="EntryValidator"/> on every entry
    /// (the actor validates each request alone, so one bad entry never fails a group); skips a second JSON parse.
    /// </summary>
    /// <remarks>
    /// <paramref name="joinLate"/> is asked, before the commit, for validated entries that arrived meanwhile (given the
    /// room left under <paramref name="maxEntries"/> and under <see cref="EntryValidator.MaxSequence"/>); they join the
    /// same transaction. It runs on the writing thread. The result holds one sequence per entry, the given ones
    /// then the late ones, in order; a retried idempotency key's entry gets its first sequence, so the last element
    /// is not necessarily the latest sequence (use the maximum, or <see cref="LatestSequenceAsync"/>).
    /// </remarks>
    internal Task<IReadOnlyList<long>> AppendValidatedBatchAsync(IReadOnlyList<NewSyncLogEntry> entries,
        Func<int, IReadOnlyList<NewSyncLogEntry>>? joinLate = null, int maxEntries = int.MaxValue)
    {
        ThrowIfDisposed();
        return Writer.AppendAsync(entries, CancellationToken.None, joinLate, maxEntries);
    }

    /// <summary>
    /// Mirrors a leader's entries with the leader's sequences, so a follower that is elected next continues the
    /// same sequence. Entries must be contiguous and continue the local log; exact duplicates of local entries are
    /// skipped (an idempotent retry); a gap or a different entry at a used sequence is refused and nothing is written.
    /// Each entry's <see cref="SyncLogEntry.Checksum"/> (the leader's), when given, must be the one the local chain
    /// computes for it, else the page is refused with <see cref="ReplicationOutcome.Diverged"/> and nothing is written.
    /// A log resynced without the leader's checksum refuses a first entry that carries none
    /// (<see cref="ReplicationOutcome.ChecksumRequired"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The entries are invalid (empty, not contiguous, or a field out of range).</exception>
    public Task<ReplicationResult> ReplicateAsync(IReadOnlyList<SyncLogEntry> entries, CancellationToken ct = default)
    {
        var set = PreparedReplication.Prepare(entries, nameof(entries));
        ThrowIfDisposed();
        return Writer.ReplicateAsync(set, ct);
    }

    /// <summary>
    /// Checks a leader's entries as <see cref="ReplicateAsync(IReadOnlyList{SyncLogEntry}, CancellationToken)"/> does,
    /// encodes each once and, when every entry carries the leader's checksum, checks the chain inside the set (each
    /// checksum follows from the one before it). Pure and thread-safe: run it off the writer (on a host's own thread)
    /// so that only linking the set to the head and inserting are left for the write.
    /// </summary>
    /// <exception cref="ArgumentException">The entries are invalid (empty, not contiguous, or a field out of range).</exception>
    public static PreparedReplication PrepareReplication(IReadOnlyList<SyncLogEntry> entries) =>
        PreparedReplication.Prepare(entries, nameof(entries));

    /// <summary>
    /// <see cref="ReplicateAsync(IReadOnlyList{SyncLogEntry}, CancellationToken)"/> for a set made by
    /// <see cref="PrepareReplication"/>, judged against this log as it is when written: a set whose first entry does not
    /// continue the head, or with a broken link inside, is refused whole as <see cref="ReplicationOutcome.Diverged"/>
    /// naming that sequence, and nothing is written.
    /// </summary>
    public Task<ReplicationResult> ReplicateAsync(PreparedReplication set, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        ThrowIfDisposed();
        return Writer.ReplicateAsync(set, ct);
    }

    /// <summary>
    /// For a follower that fell behind the leader's vacuum (<see cref="FetchResult.IsTruncated"/>) and rebuilt its state
    /// up to <paramref name="sequence"/> by other means: drops local entries at or below it and makes it the vacuum
    /// floor and, if higher, the latest sequence, so replication continues with <paramref name="sequence"/> + 1.
    /// Never lowers either mark. Not for a leader: raising the latest sequence would skip sequences it assigns.
    /// </summary>
    /// <returns>The latest sequence and the vacuum floor after the call.</returns>
    /// <remarks>
    /// Past the local log the chain's base at <paramref name="sequence"/> is not known: the first replicated entry's
    /// checksum is then adopted unchecked. Prefer the overload that takes the leader's checksum there.
    /// </remarks>
    public Task<(long LatestSequence, long VacuumedThroughSequence)> ResyncFromAsync(long sequence, CancellationToken ct = default)
    {
        EntryValidator.RequireSequence(sequence, nameof(sequence));
        ThrowIfDisposed();
        return Writer.ResyncFromAsync(sequence, null, ct);
    }

    /// <summary>
    /// <see cref="ResyncFromAsync(long, CancellationToken)"/> with the leader's chain checksum at <paramref name="sequence"/>
    /// (<see cref="FetchResult.VacuumedThroughChecksum"/> of the truncated page), so the very next replicated entry is
    /// verified. Only used when <paramref name="sequence"/> is past the local log; otherwise the log keeps its own chain.
    /// </summary>
    /// <returns>The latest sequence and the vacuum floor after the call.</returns>
    public Task<(long LatestSequence, long VacuumedThroughSequence)> ResyncFromAsync(long sequence,
        SyncLogChecksum checksumAtSequence, CancellationToken ct = default)
    {
        EntryValidator.RequireSequence(sequence, nameof(sequence));
        ThrowIfDisposed();
        return Writer.ResyncFromAsync(sequence, checksumAtSequence, ct);
    }

    /// <summary>
    /// Recomputes every stored entry's checksum from the vacuum floor's and compares it with the stored one, in one
    /// snapshot: reports the first sequence that breaks the chain (a changed, missing or unchecksummed entry). O(entries).
    /// </summary>
    public Task<ChainVerification> VerifyChainAsync(CancellationToken ct = default)
    {
        ThrowIfDisposed();
        return _reader.VerifyChainAsync(ct);
    }

    /// <summary>The latest sequence and the chain's checksum there, in O(1): compare with another log's to detect divergence.</summary>
    public Task<ChainHead> ChainHeadAsync(CancellationToken ct = default)
    {
        ThrowIfDisposed();
        return _reader.ChainHeadAsync(ct);
    }

    /// <summary>The chain's checksum at <paramref name="sequence"/> (one indexed lookup); null when vacuumed or never written.</summary>
    public Task<SyncLogChecksum?> ChecksumAtAsync(long sequence, CancellationToken ct = default)
    {
        EntryValidator.RequireSequence(sequence, nameof(sequence));
        ThrowIfDisposed();
        return _reader.ChecksumAtAsync(sequence, ct);
    }

    /// <summary>
    /// Entries with sequence above <paramref name="sequence"/>, ascending, at most <paramref name="limit"/>
    /// (1 to <see cref="MaxFetchLimit"/>). Never a hole: see <see cref="FetchResult.IsTruncated"/>.
    /// </summary>
    public Task<FetchResult> FetchSinceAsync(long sequence, int limit, CancellationToken ct = default)
    {
        EntryValidator.RequireSequence(sequence, nameof(sequence));
        EntryValidator.RequireLimit(limit, nameof(limit));
        ThrowIfDisposed();
        return _reader.FetchSinceAsync(sequence, limit, ct);
    }

    /// <summary>The latest sequence ever assigned (0 for a never-written log); vacuum does not lower it.</summary>
    public Task<long> LatestSequenceAsync(CancellationToken ct = default)
    {
        ThrowIfDisposed();
        return _writer is null ? LatestFromFileAsync(ct) : Task.FromResult(_writer.LatestSequence);
    }

    /// <summary>The highest sequence vacuum has removed (0 if none): fetches from below it are truncated.</summary>
    public long VacuumedThroughSequence =>
        _writer?.VacuumedThroughSequence ?? _reader.StateAsync(CancellationToken.None).GetAwaiter().GetResult().VacuumedThrough;

    /// <summary>True when opened with <see cref="SyncLogDbOptions.ReadOnly"/>: reads only, no lock held.</summary>
    public bool IsReadOnly => _writer is null;

    /// <summary>
    /// Deletes entries with timestamp before <paramref name="before"/> that every follower has acknowledged and returns
    /// how many (<see cref="VacuumAsync"/> with no follower ever lost; with no follower recorded, every such entry). Only a prefix
    /// of the log is ever removed: an old entry that follows a younger (or unacknowledged) one stays, so readers never
    /// see a hole. Runs in chunks of <see cref="SyncLogDbOptions.VacuumChunkSize"/> rows.
    /// </summary>
    public async Task<int> VacuumOldEntriesAsync(DateTimeOffset before, CancellationToken ct = default) =>
        (await VacuumAsync(new VacuumPolicy(before), ct)).Removed;

    /// <summary>
    /// Deletes the longest prefix of the log that <paramref name="policy"/> lets go: entries older than its
    /// <see cref="VacuumPolicy.Before"/> that every follower in the log's follower table has acknowledged, but followers whose
    /// last ack is before <see cref="VacuumPolicy.LostBefore"/> (lost). Reports what it removed, what it held back and for
    /// whom, and which followers counted as lost.
    /// </summary>
    public async Task<VacuumReport> VacuumAsync(VacuumPolicy policy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ThrowIfDisposed();
        var (removed, through, heldFrom) = await Writer.VacuumAsync(policy, _options.VacuumChunkSize, ct);
        var hold = heldFrom is { } from ? await _reader.HoldAsync(policy, from, ct) : null;
        var (lost, lostLearned) = await _reader.LostAsync(policy, ct);
        return new VacuumReport(removed, through, hold, lost, lostLearned);
    }

    /// <summary>What <see cref="VacuumAsync"/> would remove and hold back now, read in one snapshot; writes nothing (works read-only).</summary>
    public Task<VacuumReport> PlanVacuumAsync(VacuumPolicy policy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ThrowIfDisposed();
        return _reader.PlanVacuumAsync(policy, _options.VacuumChunkSize, ct);
    }

    /// <summary>
    /// Records that follower <paramref name="deviceId"/>, whose log is <paramref name="logId"/>, has durably replicated
    /// every entry up to <paramref name="sequence"/>, in its own transaction on the write connection. Acks only move
    /// forward for one log id; an ack with a new log id for a known device (a reset device) replaces its record and the
    /// old log id never counts again; a log id of a forgotten device is not recorded (<see cref="FollowerAckOutcome"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An empty device or log id, or a sequence above the latest; nothing was written.</exception>
    public Task<FollowerAckResult> AcknowledgeAsync(string deviceId, Guid logId, long sequence, CancellationToken ct = default) =>
        AcknowledgeAsync(deviceId, logId, sequence, allowReplace: true, ct);

    /// <summary>
    /// <see cref="AcknowledgeAsync(string, Guid, long, CancellationToken)"/>, refusing to replace a known device's log id
    /// when <paramref name="allowReplace"/> is false (<see cref="FollowerAckOutcome.ReplaceNotAllowed"/>, nothing written):
    /// an ack from a peer that may not administer the log must not reset a device.
    /// </summary>
    public Task<FollowerAckResult> AcknowledgeAsync(string deviceId, Guid logId, long sequence, bool allowReplace,
        CancellationToken ct = default)
    {
        EntryValidator.RequireId(deviceId, nameof(deviceId), "follower device id");
        if (logId == Guid.Empty)
            throw new ArgumentException("follower log id must not be the empty GUID", nameof(logId));
        EntryValidator.RequireSequence(sequence, nameof(sequence));
        ThrowIfDisposed();
        return Writer.AcknowledgeAsync(deviceId, logId, sequence, DateTimeOffset.UtcNow, allowReplace, ct);
    }

    /// <summary>
    /// Stops waiting for follower <paramref name="deviceId"/>: drops its record and retires its log id, so that log's
    /// later acks are refused as <see cref="FollowerAckOutcome.Forgotten"/> (a new log id registers the device again),
    /// and drops what this host learned of it from another leader.
    /// </summary>
    /// <returns>Whether the device had a record or a learned row.</returns>
    public Task<bool> ForgetFollowerAsync(string deviceId, CancellationToken ct = default)
    {
        EntryValidator.RequireId(deviceId, nameof(deviceId), "follower device id");
        ThrowIfDisposed();
        return Writer.ForgetFollowerAsync(deviceId, DateTimeOffset.UtcNow, ct);
    }

    /// <summary>Every follower that acknowledged this log (forgotten ones excluded), by device id.</summary>
    public Task<IReadOnlyList<FollowerAck>> FollowersAsync(CancellationToken ct = default)
    {
        ThrowIfDisposed();
        return _reader.FollowersAsync(ct);
    }

    /// <summary>
    /// Every follower this log waits for, as this host tells other hosts: its own followers' acks (without log ids), then
    /// the followers it learned from another leader that no newer ack to this host superseded. Lost ones included.
    /// </summary>
    public Task<IReadOnlyList<KnownFollower>> VouchedFollowersAsync(CancellationToken ct = default)
    {
        ThrowIfDisposed();
        return _reader.VouchedFollowersAsync(ct);
    }

    /// <summary>
    /// Replaces, in one transaction, everything this host learned about another leader's followers with
    /// <paramref name="followers"/>, that leader's latest view (a device it no longer reports is dropped). Rows of
    /// <paramref name="ownDeviceId"/> are ignored: a host never waits for itself. A learned row holds back vacuum at its
    /// acked sequence, like an ack, until this host gets an ack of that device at least as recent as its last ack (a last
    /// ack later than this host's clock is stored as now). <paramref name="leaderTerm"/> is the reporting leader's term:
    /// a report of a term below the one learned last (a deposed leader's, or an older report landing late) changes
    /// nothing and comes back <see cref="LearnedFollowersResult.IsStale"/>; the same or a higher term replaces.
    /// </summary>
    /// <returns>How many rows were stored and under which term, or that the report was stale.</returns>
    /// <exception cref="ArgumentException">An empty device id, a term below 1, a sequence out of range or a device named twice; nothing was written.</exception>
    public Task<LearnedFollowersResult> ReplaceLearnedFollowersAsync(string leaderDeviceId, long leaderTerm,
        IReadOnlyList<KnownFollower> followers, string? ownDeviceId = null, CancellationToken ct = default)
    {
        ValidateLearned(leaderDeviceId, leaderTerm, followers);
        ThrowIfDisposed();
        return Writer.ReplaceLearnedFollowersAsync(leaderDeviceId, leaderTerm, followers, ownDeviceId, DateTimeOffset.UtcNow, ct);
    }

    /// <summary>Checks a leader's report of its followers: the arguments of <see cref="ReplaceLearnedFollowersAsync"/>.</summary>
    /// <exception cref="ArgumentException">What is wrong, and what is allowed.</exception>
    public static void ValidateLearned(string leaderDeviceId, long leaderTerm, IReadOnlyList<KnownFollower> followers)
    {
        EntryValidator.RequireId(leaderDeviceId, nameof(leaderDeviceId), "leader device id");
        if (leaderTerm < 1)
            throw new ArgumentException($"leader term must be at least 1 (a leader has been elected), got {leaderTerm}", nameof(leaderTerm));
        if (followers is null)
            throw new ArgumentException("followers must not be null (an empty list learns that there are none)", nameof(followers));
        if (followers.Count > MaxFetchLimit)
            throw new ArgumentException($"at most {MaxFetchLimit} followers can be learned at once, got {followers.Count}", nameof(followers));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var follower in followers)
        {
            if (follower is null)
                throw new ArgumentException("followers must not hold a null", nameof(followers));
            EntryValidator.RequireId(follower.DeviceId, nameof(followers), "follower device id");
            EntryValidator.RequireSequence(follower.AckedSequence, nameof(followers));
            if (!seen.Add(follower.DeviceId))
                throw new ArgumentException($"follower device '{follower.DeviceId}' appears twice; each device once", nameof(followers));
        }
    }

    /// <summary>Entries made by <paramref name="deviceId"/> with sequence above <paramref name="sinceSequence"/>, ascending.</summary>
    public Task<IReadOnlyList<SyncLogEntry>> FetchByDeviceAsync(string deviceId, long sinceSequence, int limit,
        CancellationToken ct = default)
    {
        EntryValidator.RequireId(deviceId, nameof(deviceId), "device id");
        EntryValidator.RequireSequence(sinceSequence, nameof(sinceSequence));
        EntryValidator.RequireLimit(limit, nameof(limit));
        ThrowIfDisposed();
        return _reader.FetchByDeviceAsync(deviceId, sinceSequence, limit, ct);
    }

    /// <summary>The history of one record, oldest first, at most <paramref name="limit"/> entries.</summary>
    public Task<IReadOnlyList<SyncLogEntry>> FetchByRecordAsync(string modelType, string recordId, int limit,
        CancellationToken ct = default)
    {
        EntryValidator.RequireId(modelType, nameof(modelType), "model type");
        EntryValidator.RequireId(recordId, nameof(recordId), "record id");
        EntryValidator.RequireLimit(limit, nameof(limit));
        ThrowIfDisposed();
        return _reader.FetchByRecordAsync(modelType, recordId, limit, ct);
    }

    /// <summary>Entries with <paramref name="from"/> &lt;= timestamp &lt; <paramref name="to"/> (any offsets), by time then sequence.</summary>
    public Task<IReadOnlyList<SyncLogEntry>> FetchByTimeRangeAsync(DateTimeOffset from, DateTimeOffset to, int limit,
        CancellationToken ct = default)
    {
        if (to < from)
            throw new ArgumentException($"time range end {to:O} is before its start {from:O}", nameof(to));
        EntryValidator.RequireLimit(limit, nameof(limit));
        ThrowIfDisposed();
        return _reader.FetchByTimeRangeAsync(from, to, limit, ct);
    }

    /// <summary>The smallest sequence still stored, or 0 when the log holds no entries.</summary>
    public Task<long> OldestSequenceAsync(CancellationToken ct = default)
    {
        ThrowIfDisposed();
        return _reader.OldestSequenceAsync(ct);
    }

    /// <summary>How many entries the log holds now.</summary>
    public Task<long> CountAsync(CancellationToken ct = default)
    {
        ThrowIfDisposed();
        return _reader.CountAsync(ct);
    }

    /// <summary>Counts, range, file size and per-model counts of the log, read in one snapshot.</summary>
    public Task<SyncLogStats> StatsAsync(CancellationToken ct = default)
    {
        ThrowIfDisposed();
        return _reader.StatsAsync(FilePath, LogId, ct);
    }

    /// <summary>
    /// Closes both connections and releases the file lock; the file may then be reopened or deleted. Calls still
    /// waiting for a connection fail with <see cref="ObjectDisposedException"/>; the one in flight is waited for.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _reader.Dispose();
            _writer?.Dispose();
            _fileLock?.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private SyncLogWriter Writer => _writer
        ?? throw new InvalidOperationException($"sync log '{FilePath}' was opened read-only; it cannot be written");

    private async Task<long> LatestFromFileAsync(CancellationToken ct) => (await _reader.StateAsync(ct)).Latest;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    // A path that cannot be a folder (a file in its place, a read-only file system) is reported as an open failure.
    private static void CreateFolder(string filePath)
    {
        var folder = Path.GetDirectoryName(filePath)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SyncLogOpenException(filePath, $"sync log '{filePath}' could not be opened: its folder '{folder}' could not be created: {e.Message}", e);
        }
    }

    private static void Release(SyncLogWriter? writer, SqliteConnection? connection, ExclusiveFileLock fileLock)
    {
        if (writer is not null)
            writer.Dispose();
        else
            connection?.Dispose();
        fileLock.Dispose();
    }
}
