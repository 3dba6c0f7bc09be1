using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>
/// The single write connection of a library's log. Owns the in-memory high-water mark, which only moves
/// after a commit succeeds, so a failed transaction never consumes a sequence.
/// </summary>
internal sealed class SyncLogWriter : IDisposable
{
    private const string InsertSql = """
        INSERT INTO sync_log (sequence, device_id, timestamp, model_type, record_id, change_type, version, data)
        VALUES ($sequence, $device_id, $timestamp, $model_type, $record_id, $change_type, $version, $data)
        """;

    private const string InsertChecksumSql =
        "INSERT INTO sync_log_checksum (sequence, checksum) VALUES ($sequence, $checksum)";

    private const string SelectChecksumSql = "SELECT checksum FROM sync_log_checksum WHERE sequence = $sequence";

    // The row at the vacuum floor stays: it is the base the chain continues from.
    private const string DeleteChecksumsBelowSql = "DELETE FROM sync_log_checksum WHERE sequence < $floor";

    private const string DeleteChecksumsThroughSql = "DELETE FROM sync_log_checksum WHERE sequence <= $floor";

    private const string ReplaceChecksumSql =
        "INSERT OR REPLACE INTO sync_log_checksum (sequence, checksum) VALUES ($sequence, $checksum)";

    private const string UpdateLatestSql = "UPDATE sync_log_state SET latest_sequence = $latest WHERE id = 1";

    private const string SelectBySequenceSql = $"SELECT {SyncLogRow.Columns} FROM sync_log WHERE sequence = $sequence";

    private const string DeleteThroughSql = "DELETE FROM sync_log WHERE sequence <= $through";

    private const string UpdateStateSql =
        "UPDATE sync_log_state SET latest_sequence = $latest, vacuumed_through_sequence = $through WHERE id = 1";

    private const string SelectKeySql = "SELECT sequence FROM sync_log_idempotency WHERE key = $key";

    private const string InsertKeySql = "INSERT INTO sync_log_idempotency (key, sequence) VALUES ($key, $sequence)";

    private const string CountKeysSql = "SELECT COUNT(*) FROM sync_log_idempotency";

    private const string PruneKeysSql = """
        DELETE FROM sync_log_idempotency
        WHERE sequence IN (SELECT sequence FROM sync_log_idempotency ORDER BY sequence LIMIT $excess)
        """;

    private const string FreePagesSql = "PRAGMA freelist_count";

    private const int SqliteFull = 13;

    private readonly SqliteConnection _connection;
    private readonly BackgroundCheckpointer _checkpointer;
    private readonly string _filePath;
    private readonly SyncLogDbOptions _options;
    private readonly ClosableGate _gate;
    // The per-row inserts bind their parameters by position, in the order the SQL names them.
    private readonly RawStatement _insert;
    private readonly RawStatement _insertChecksum;
    private readonly SqliteCommand _updateLatest;
    private readonly SqliteParameter _latestParameter;
    private readonly SqliteCommand _selectKey, _insertKey;
    private readonly SqliteParameter _selectKeyParameter, _insertKeyParameter, _insertKeySequence;
    private long _latest;
    private long _vacuumedThrough;
    private long _keyCount;
    private long _relinked;

    // The checksum input of the row being appended: hashed, and the column texts in it bound as they are.
    private byte[] _encoded = new byte[1024];

    // The checksum at _latest; null when unknown: resynced past the local log without the leader's checksum, until the
    // first replicated entry brings it.
    private SyncLogChecksum? _head;

    public SyncLogWriter(SqliteConnection connection, BackgroundCheckpointer checkpointer, string filePath,
        SyncLogDbOptions options)
    {
        _connection = connection;
        _checkpointer = checkpointer;
        _filePath = filePath;
        _options = options;
        _gate = new ClosableGate($"sync log '{filePath}'");
        (_latest, _vacuumedThrough) = ReadState();
        _keyCount = Scalar(CountKeysSql);
        _head = ReadChecksum(_latest);

        _insert = new RawStatement(connection, InsertSql);
        _insertChecksum = new RawStatement(connection, InsertChecksumSql);

        _updateLatest = connection.CreateCommand();
        _updateLatest.CommandText = UpdateLatestSql;
        _latestParameter = _updateLatest.Parameters.Add("$latest", SqliteType.Integer);
        _updateLatest.Prepare();

        _selectKey = connection.CreateCommand();
        _selectKey.CommandText = SelectKeySql;
        _selectKeyParameter = _selectKey.Parameters.Add("$key", SqliteType.Text);
        _selectKey.Prepare();

        _insertKey = connection.CreateCommand();
        _insertKey.CommandText = InsertKeySql;
        _insertKeyParameter = _insertKey.Parameters.Add("$key", SqliteType.Text);
        _insertKeySequence = _insertKey.Parameters.Add("$sequence", SqliteType.Integer);
        _insertKey.Prepare();
    }

    public long LatestSequence => Volatile.Read(ref _latest);

    /// <summary>Prepared entries whose guessed link did not hold, so the writer linked and hashed them itself; ever growing.</summary>
    public long Relinked => Interlocked.Read(ref _relinked);

    /// <summary>
    /// The latest sequence and the checksum the next entry chains on; exact only while no write is running (the
    /// library actor reads it when nothing is in flight, to start its <see cref="AppendChain"/> over).
    /// </summary>
    public (long Latest, SyncLogChecksum Head) Tip => (Volatile.Read(ref _latest), _head ?? SyncLogChecksum.Zero);

    public long VacuumedThroughSequence => Volatile.Read(ref _vacuumedThrough);

    /// <summary>
    /// Writes validated entries in one transaction with the next contiguous sequences and returns one sequence per
    /// entry, in order. An entry whose idempotency key is in the window (recorded earlier, or earlier in this same
    /// transaction) writes nothing and gets the sequence its key was first given. Before committing it asks
    /// <paramref name="joinLate"/> (if given) for entries that arrived meanwhile, with the room left under
    /// <paramref name="maxEntries"/>, and writes those too, until it returns none: a busy writer's transactions grow
    /// to what is waiting instead of alternating between a full and a half-full one.
    /// </summary>
    /// <exception cref="SyncLogSequenceExhaustedException">A new entry would pass <see cref="EntryValidator.MaxSequence"/>.</exception>
    /// <exception cref="SyncLogFullException">The file reached its size limit or the disk is full.</exception>
    public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries, CancellationToken ct,
        Func<int, IReadOnlyList<NewSyncLogEntry>>? joinLate = null, int maxEntries = int.MaxValue)
    {
        await _gate.EnterAsync(ct);
        try
        {
            ThrowIfFileGone();
            var keyed = _options.IdempotencyWindow > 0;
            var latest = _latest;
            var keyCount = _keyCount;
            // A log that does not know its chain base (resynced without the leader's checksum) starts a chain of its own.
            var head = _head ?? SyncLogChecksum.Zero;
            var sequences = new List<long>(entries.Count);
            using (var transaction = _connection.BeginTransaction(deferred: false))
            {
                _updateLatest.Transaction = transaction;
                _selectKey.Transaction = transaction;
                _insertKey.Transaction = transaction;
                var batch = entries;
                while (batch.Count > 0)
                {
                    var prepared = batch as PreparedAppend;
                    for (var i = 0; i < batch.Count; i++)
                    {
                        var e = batch[i];
                        var key = keyed ? e.IdempotencyKey : null;
                        if (key is not null && FindKey(key) is { } first)
                        {
                            sequences.Add(first);
                            continue;
                        }

                        if (latest >= EntryValidator.MaxSequence)
                            throw new SyncLogSequenceExhaustedException(_filePath, latest);
                        latest++;
                        head = prepared?.PreparedAt(i) is { } ready
                            ? InsertPrepared(head, latest, e.Version, ready)
                            : InsertChained(head, latest, e);
                        if (key is not null)
                        {
                            RecordKey(key, latest);
                            keyCount++;
                        }

                        sequences.Add(latest);
                    }

                    // Late joiners are only taken while sequences are left for them, so they never fail a transaction.
                    var room = Math.Min(maxEntries - sequences.Count, EntryValidator.MaxSequence - latest);
                    batch = joinLate is null || room <= 0 ? [] : joinLate((int)room);
                }

                if (latest != _latest)
                    SetLatest(latest);
                if (keyCount > _options.IdempotencyWindow)
                    keyCount -= PruneKeys(keyCount - _options.IdempotencyWindow, transaction);
                transaction.Commit();
            }

            var written = (int)(latest - _latest);
            if (written > 0)
                _head = head;
            Volatile.Write(ref _latest, latest);
            _keyCount = keyCount;
            if (written > 0)
                _checkpointer.Committed(written);
            return sequences;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFull)
        {
            throw Full(e);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// Mirrors a prepared set of a leader's entries with their own sequences; see
    /// <see cref="SyncLogDb.ReplicateAsync(PreparedReplication, CancellationToken)"/>. A chained set that starts right
    /// after the local latest is only linked to the head here (one hash) and inserted from its encodings; any other set
    /// is judged entry by entry.
    /// </summary>
    /// <exception cref="SyncLogFullException">The file reached its size limit or the disk is full.</exception>
    public async Task<ReplicationResult> ReplicateAsync(PreparedReplication set, CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            ThrowIfFileGone();
            return set.IsChained && set.FirstSequence > _latest ? ReplicateChained(set) : ReplicateEntryByEntry(set.Entries);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFull)
        {
            throw Full(e);
        }
        finally
        {
            _gate.Exit();
        }
    }

    // Under the gate. The set was checked inside itself when prepared; what is left depends on this log as it is now.
    private ReplicationResult ReplicateChained(PreparedReplication set)
    {
        if (set.FirstSequence != _latest + 1)
            return new ReplicationResult(ReplicationOutcome.Gap, _latest, 0);
        var entries = set.Entries;
        // Linked in the writer's own buffer: the set may be written to another log at the same time.
        if (_head is { } head)
        {
            var first = set.Encoded(0);
            if (first.Length > _encoded.Length)
                _encoded = new byte[Math.Max(first.Length, 2 * _encoded.Length)];
            var linked = _encoded.AsSpan(0, first.Length);
            first.CopyTo(linked);
            ChecksumChain.SetPrevious(linked, head);
            if (ChecksumChain.Hash(linked) != entries[0].Checksum!.Value)
                return new ReplicationResult(ReplicationOutcome.Diverged, _latest, 0, entries[0].Sequence);
        }

        // Without a known head (resynced without the leader's checksum) the first checksum is adopted, as entry by entry.
        if (set.BrokenLinkAt is { } broken)
            return new ReplicationResult(ReplicationOutcome.Diverged, _latest, 0, broken);

        return Apply(entries, i => InsertEncoded(set.Encoded(i), entries[i].Sequence, entries[i].Version, entries[i].Checksum!.Value),
            entries[^1].Checksum!.Value);
    }

    // Under the gate: retries, sets reaching into the local log and sets without the leader's checksums.
    private ReplicationResult ReplicateEntryByEntry(IReadOnlyList<SyncLogEntry> entries)
    {
        var fresh = new List<SyncLogEntry>();
        foreach (var entry in entries)
        {
            if (entry.Sequence > _latest)
            {
                fresh.Add(entry);
                continue;
            }

            // At or below our high-water mark: a retry of something we hold, unless vacuum already removed it.
            var local = ReadBySequence(entry.Sequence);
            if (local is not null && !SyncLogRow.SameChange(local, entry))
                return new ReplicationResult(ReplicationOutcome.Conflict, _latest, 0, entry.Sequence);
            // Same content, different chain: the two logs differ somewhere before this entry.
            if (local is { Checksum: { } mine } && entry.Checksum is { } theirs && mine != theirs)
                return new ReplicationResult(ReplicationOutcome.Diverged, _latest, 0, entry.Sequence);
        }

        if (fresh.Count == 0)
            return new ReplicationResult(ReplicationOutcome.Applied, _latest, 0);
        if (fresh[0].Sequence != _latest + 1)
            return new ReplicationResult(ReplicationOutcome.Gap, _latest, 0);

        // Every entry is verified before anything is written, so a refusal writes nothing.
        var checksums = new SyncLogChecksum[fresh.Count];
        var previous = _head;
        for (var i = 0; i < fresh.Count; i++)
        {
            var e = fresh[i];
            SyncLogChecksum next;
            if (previous is { } known)
            {
                next = ChecksumChain.Next(known, e);
                if (e.Checksum is { } theirs && theirs != next)
                    return new ReplicationResult(ReplicationOutcome.Diverged, _latest, 0, e.Sequence);
            }
            else
            {
                // Resynced without the leader's checksum at the floor: the first entry's checksum is adopted as the
                // chain (it cannot be checked) and every later one is verified against it.
                if (e.Checksum is not { } adopted)
                    return new ReplicationResult(ReplicationOutcome.ChecksumRequired, _latest, 0, e.Sequence);
                next = adopted;
            }

            checksums[i] = next;
            previous = next;
        }

        return Apply(fresh, i =>
        {
            var e = fresh[i];
            Insert(e.Sequence, e.DeviceId, UtcTimestamp.ToText(e.Timestamp), e.ModelType, e.RecordId,
                ChangeTypeText.ToText(e.ChangeType), e.Version, e.Data, checksums[i]);
        }, checksums[^1]);
    }

    // Under the gate, for a verified run right after the local latest: writes it in one transaction (insert(i) writes
    // entry i), then moves the head and the latest past it.
    private ReplicationResult Apply(IReadOnlyList<SyncLogEntry> fresh, Action<int> insert, SyncLogChecksum head)
    {
        using (var transaction = _connection.BeginTransaction(deferred: false))
        {
            _updateLatest.Transaction = transaction;
            for (var i = 0; i < fresh.Count; i++)
                insert(i);
            SetLatest(fresh[^1].Sequence);
            transaction.Commit();
        }

        _head = head;
        Volatile.Write(ref _latest, fresh[^1].Sequence);
        _checkpointer.Committed(fresh.Count);
        return new ReplicationResult(ReplicationOutcome.Applied, _latest, fresh.Count);
    }

    /// <summary>
    /// Deletes the longest prefix of the log that <paramref name="policy"/> lets go (older than its retention and acked
    /// by every follower, or older than its hard cap), one chunk per transaction so appends can interleave with a long
    /// vacuum, then gives the freed pages back to the file system (<see cref="ReturnFreePagesAsync"/>). The followers'
    /// acks are read again for each chunk, under the writer, so an ack or a forget between chunks counts at once.
    /// </summary>
    /// <returns>How many entries were removed, the last one removed, and the first expired entry held back for followers.</returns>
    public async Task<(int Removed, long? Through, long? HeldFrom)> VacuumAsync(VacuumPolicy policy, int chunkSize,
        CancellationToken ct)
    {
        var removed = 0;
        long? last = null, heldFrom = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await _gate.EnterAsync(ct);
            try
            {
                var ackFloor = FollowerTable.AckFloor(_connection, null, policy.OwnDeviceId, policy.LostBefore);
                var (through, stop, at) = VacuumScan.Next(_connection, null, policy, ackFloor, _vacuumedThrough, chunkSize);
                if (through > _vacuumedThrough)
                {
                    removed += DeleteThrough(through, _latest);
                    last = through;
                }

                if (stop == VacuumScan.Stop.HeldBack)
                    heldFrom = at;
                if (stop != VacuumScan.Stop.More)
                    break;
            }
            finally
            {
                _gate.Exit();
            }
        }

        await ReturnFreePagesAsync(ct);
        return (removed, last, heldFrom);
    }

    /// <summary>Records a follower's ack; see <see cref="SyncLogDb.AcknowledgeAsync(string, Guid, long, bool, CancellationToken)"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is above the latest sequence.</exception>
    public async Task<FollowerAckResult> AcknowledgeAsync(string deviceId, Guid logId, long sequence, DateTimeOffset now,
        bool allowReplace, CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            ThrowIfFileGone();
            // Judged under the writer, against the committed latest sequence: no append can slip in between.
            if (sequence > _latest)
                throw new ArgumentOutOfRangeException(nameof(sequence), sequence,
                    $"acknowledged sequence {sequence} is above this log's latest sequence {_latest}; a follower can only have replicated what the log holds");
            using var transaction = _connection.BeginTransaction(deferred: false);
            var result = FollowerTable.Acknowledge(_connection, transaction, deviceId, logId, sequence, now, allowReplace);
            if (result.Outcome == FollowerAckOutcome.Recorded)
                transaction.Commit();
            return result;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFull)
        {
            throw Full(e);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Replaces what this host learned of another leader's followers; see <see cref="SyncLogDb.ReplaceLearnedFollowersAsync"/>.</summary>
    public async Task<LearnedFollowersResult> ReplaceLearnedFollowersAsync(string leaderDeviceId, long leaderTerm,
        IReadOnlyList<KnownFollower> followers, string? ownDeviceId, DateTimeOffset now, CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            ThrowIfFileGone();
            using var transaction = _connection.BeginTransaction(deferred: false);
            var result = LearnedFollowerTable.Replace(_connection, transaction, leaderDeviceId, leaderTerm, followers, ownDeviceId, now);
            // A stale report wrote nothing: the rollback (dispose) is all it needs.
            if (!result.IsStale)
                transaction.Commit();
            return result;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFull)
        {
            throw Full(e);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Forgets a follower device; see <see cref="SyncLogDb.ForgetFollowerAsync"/>.</summary>
    public async Task<bool> ForgetFollowerAsync(string deviceId, DateTimeOffset now, CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            ThrowIfFileGone();
            using var transaction = _connection.BeginTransaction(deferred: false);
            var known = FollowerTable.Forget(_connection, transaction, deviceId, now);
            transaction.Commit();
            return known;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFull)
        {
            throw Full(e);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// Truncates free pages off the end of the file with <c>PRAGMA incremental_vacuum</c>,
    /// <see cref="SyncLogDbOptions.IncrementalVacuumPages"/> per turn of the writer so appends interleave, then
    /// checkpoints: with WAL the file itself only shrinks once the truncation is copied back into it. Finally the
    /// WAL, grown by the deletes, is truncated to zero bytes too.
    /// </summary>
    public async Task ReturnFreePagesAsync(CancellationToken ct)
    {
        var returned = false;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await _gate.EnterAsync(ct);
            try
            {
                if (Scalar(FreePagesSql) == 0)
                    break;
                IncrementalVacuum(_options.IncrementalVacuumPages);
                returned = true;
            }
            finally
            {
                _gate.Exit();
            }
        }

        if (!returned)
            return;
        await _checkpointer.CheckpointNowAsync();
        await _gate.EnterAsync(ct);
        try
        {
            TruncateWal();
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Restarts the log after <paramref name="through"/>; see <see cref="SyncLogDb.ResyncFromAsync(long, SyncLogChecksum, CancellationToken)"/>.</summary>
    public async Task<(long Latest, long VacuumedThrough)> ResyncFromAsync(long through, SyncLogChecksum? checksum,
        CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            ThrowIfFileGone();
            var floor = Math.Max(_vacuumedThrough, through);
            var latest = Math.Max(_latest, floor);
            // Past the local log the chain's base is the leader's checksum at the floor, or unknown until the next
            // replicated entry; within it, the log keeps its own chain (a mismatch shows as Diverged on the next page).
            if (floor > _latest)
            {
                DeleteThrough(floor, latest, checksum, replaceFloorChecksum: true);
                _head = checksum;
            }
            else
            {
                DeleteThrough(floor, latest);
            }

            return (latest, floor);
        }
        finally
        {
            _gate.Exit();
        }
    }

    // Fails queued writes with ObjectDisposedException and waits for the one in flight, so the connection is never
    // closed under it.
    public void Dispose()
    {
        _gate.Dispose();
        _checkpointer.Dispose();
        _insert.Dispose();
        _insertChecksum.Dispose();
        _updateLatest.Dispose();
        _selectKey.Dispose();
        _insertKey.Dispose();
        _connection.Dispose();
    }

    // The checksum is hashed from exactly the column texts stored, so a verifier reading the file recomputes the same
    // value; the texts are bound straight from the hashed input, so each is encoded to UTF-8 once.
    private SyncLogChecksum InsertChained(SyncLogChecksum previous, long sequence, NewSyncLogEntry e)
    {
        var timestamp = UtcTimestamp.ToText(e.Timestamp);
        var changeType = ChangeTypeText.ToText(e.ChangeType);
        var size = ChecksumChain.EncodedSize(e.DeviceId, timestamp, e.ModelType, e.RecordId, changeType, e.Data);
        if (size > _encoded.Length)
            _encoded = new byte[Math.Max(size, 2 * _encoded.Length)];
        var length = ChecksumChain.Encode(_encoded, previous, sequence, e.DeviceId, timestamp, e.ModelType, e.RecordId,
            changeType, e.Version, e.Data);
        var encoded = _encoded.AsSpan(0, length);
        var checksum = ChecksumChain.Hash(encoded);
        InsertEncoded(encoded, sequence, e.Version, checksum);
        return checksum;
    }

    // An entry encoded and chained off this thread: inserted as it is when its guessed link holds, else linked here.
    private SyncLogChecksum InsertPrepared(SyncLogChecksum previous, long sequence, long version, PreparedEntry ready)
    {
        if (ready.Sequence == sequence && ready.Previous == previous)
        {
            InsertEncoded(ready.Encoded.Span, sequence, version, ready.Checksum);
            return ready.Checksum;
        }

        // Relinked in the writer's own buffer: the prepared input stays as it was, whatever becomes of this transaction.
        Interlocked.Increment(ref _relinked);
        if (ready.Encoded.Length > _encoded.Length)
            _encoded = new byte[Math.Max(ready.Encoded.Length, 2 * _encoded.Length)];
        var encoded = _encoded.AsSpan(0, ready.Encoded.Length);
        ready.Encoded.Span.CopyTo(encoded);
        ChecksumChain.Relink(encoded, previous, sequence);
        var checksum = ChecksumChain.Hash(encoded);
        InsertEncoded(encoded, sequence, version, checksum);
        return checksum;
    }

    // A row bound from its checksum input, whose texts are the column texts exactly as the chain hashed them.
    private void InsertEncoded(ReadOnlySpan<byte> encoded, long sequence, long version, SyncLogChecksum checksum)
    {
        var texts = ChecksumChain.TextsOf(encoded);
        _insert.Bind(1, sequence);
        _insert.BindText(2, encoded[texts.DeviceId]);
        _insert.BindText(3, encoded[texts.Timestamp]);
        _insert.BindText(4, encoded[texts.ModelType]);
        _insert.BindText(5, encoded[texts.RecordId]);
        _insert.BindText(6, encoded[texts.ChangeType]);
        _insert.Bind(7, version);
        _insert.BindText(8, encoded[texts.Data]);
        _insert.Execute();
        InsertChecksum(sequence, checksum);
    }

    // A replicated row, with the checksum the chain computed for it.
    private void Insert(long sequence, string deviceId, string timestamp, string modelType, string recordId,
        string changeType, long version, string data, SyncLogChecksum checksum)
    {
        _insert.Bind(1, sequence);
        _insert.BindText(2, deviceId);
        _insert.BindText(3, timestamp);
        _insert.BindText(4, modelType);
        _insert.BindText(5, recordId);
        _insert.BindText(6, changeType);
        _insert.Bind(7, version);
        _insert.BindText(8, data);
        _insert.Execute();
        InsertChecksum(sequence, checksum);
    }

    private void InsertChecksum(long sequence, SyncLogChecksum checksum)
    {
        Span<byte> bytes = stackalloc byte[SyncLogChecksum.Size];
        checksum.WriteTo(bytes);
        _insertChecksum.Bind(1, sequence);
        _insertChecksum.BindBlob(2, bytes);
        _insertChecksum.Execute();
    }

    private void SetLatest(long latest)
    {
        _latestParameter.Value = latest;
        _updateLatest.ExecuteNonQuery();
    }

    private long? FindKey(string key)
    {
        _selectKeyParameter.Value = key;
        return _selectKey.ExecuteScalar() is long sequence ? sequence : null;
    }

    private void RecordKey(string key, long sequence)
    {
        _insertKeyParameter.Value = key;
        _insertKeySequence.Value = sequence;
        _insertKey.ExecuteNonQuery();
    }

    // Oldest first (a key's sequence is its age), through the sequence index. Once the window is full this runs in
    // every keyed transaction and deletes as many keys as it added, so its cost follows the batch, not the window.
    private int PruneKeys(long excess, SqliteTransaction transaction)
    {
        using var prune = _connection.CreateCommand();
        prune.Transaction = transaction;
        prune.CommandText = PruneKeysSql;
        prune.Parameters.AddWithValue("$excess", excess);
        return prune.ExecuteNonQuery();
    }

    // incremental_vacuum frees pages as its statement is stepped: every result row has to be read.
    private void IncrementalVacuum(int pages)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA incremental_vacuum({pages})";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
        }
    }

    // The background checkpoint just copied the WAL, so this has little left to copy. It must not wait for a reader
    // on an older snapshot while holding the writer: with busy_timeout 0 it then just leaves the WAL as it is
    // (SQLite reports that as a result row, not as an error).
    private void TruncateWal()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 0";
        command.ExecuteNonQuery();
        try
        {
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
            }
        }
        finally
        {
            command.CommandText = $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds}";
            command.ExecuteNonQuery();
        }
    }

    // On POSIX an open connection keeps writing into a file that was deleted (or replaced) under it, and every
    // acknowledged write would vanish with the last handle. Checked before each acknowledged write: one stat.
    private void ThrowIfFileGone()
    {
        if (!File.Exists(_filePath))
            throw new SyncLogOpenException(_filePath,
                $"sync log '{_filePath}' was deleted while open; nothing of this write was stored");
    }

    private SyncLogFullException Full(SqliteException e) => new(_filePath,
        _options.MaxFileSizeBytes > 0
            ? $"sync log '{_filePath}' is full: it may not grow past {_options.MaxFileSizeBytes} bytes (max-file-size), or the disk is full; nothing of this write was stored"
            : $"sync log '{_filePath}' is full: the disk has no room left; nothing of this write was stored",
        e);

    // Removes entries up to `through` and their checksums below it (the one at `through` is the chain's base), and
    // records both marks, in the same transaction. A resync past the local log replaces the base with the leader's
    // checksum, or leaves it absent (unknown).
    private int DeleteThrough(long through, long latest, SyncLogChecksum? floorChecksum = null,
        bool replaceFloorChecksum = false)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        using var delete = _connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = DeleteThroughSql;
        delete.Parameters.AddWithValue("$through", through);
        var removed = delete.ExecuteNonQuery();

        using var deleteChecksums = _connection.CreateCommand();
        deleteChecksums.Transaction = transaction;
        deleteChecksums.CommandText = replaceFloorChecksum ? DeleteChecksumsThroughSql : DeleteChecksumsBelowSql;
        deleteChecksums.Parameters.AddWithValue("$floor", through);
        deleteChecksums.ExecuteNonQuery();
        if (replaceFloorChecksum && floorChecksum is { } known)
        {
            using var replace = _connection.CreateCommand();
            replace.Transaction = transaction;
            replace.CommandText = ReplaceChecksumSql;
            replace.Parameters.AddWithValue("$sequence", through);
            replace.Parameters.AddWithValue("$checksum", known.ToArray());
            replace.ExecuteNonQuery();
        }

        using var update = _connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = UpdateStateSql;
        update.Parameters.AddWithValue("$latest", latest);
        update.Parameters.AddWithValue("$through", through);
        update.ExecuteNonQuery();
        transaction.Commit();

        Volatile.Write(ref _latest, latest);
        Volatile.Write(ref _vacuumedThrough, through);
        return removed;
    }

    private SyncLogEntry? ReadBySequence(long sequence)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = SelectBySequenceSql;
        command.Parameters.AddWithValue("$sequence", sequence);
        using var reader = command.ExecuteReader();
        return reader.Read() ? SyncLogRow.Read(reader) : null;
    }

    private SyncLogChecksum? ReadChecksum(long sequence)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = SelectChecksumSql;
        command.Parameters.AddWithValue("$sequence", sequence);
        return command.ExecuteScalar() is byte[] bytes ? SyncLogChecksum.FromBytes(bytes) : null;
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private (long Latest, long VacuumedThrough) ReadState()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = SyncLogStateRow.SelectSql;
        return SyncLogStateRow.Read(command);
    }
}
