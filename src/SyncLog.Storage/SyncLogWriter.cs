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

    private const string UpdateLatestSql = "UPDATE sync_log_state SET latest_sequence = $latest WHERE id = 1";

    private const string SelectBySequenceSql = $"SELECT {SyncLogRow.Columns} FROM sync_log WHERE sequence = $sequence";

    private const string SelectVacuumWindowSql =
        "SELECT sequence, timestamp FROM sync_log ORDER BY sequence LIMIT $limit";

    private const string DeleteThroughSql = "DELETE FROM sync_log WHERE sequence <= $through";

    private const string UpdateStateSql =
        "UPDATE sync_log_state SET latest_sequence = $latest, vacuumed_through_sequence = $through WHERE id = 1";

    private readonly SqliteConnection _connection;
    private readonly BackgroundCheckpointer _checkpointer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _sequence, _deviceId, _timestamp, _modelType, _recordId, _changeType, _version, _data;
    private readonly SqliteCommand _updateLatest;
    private readonly SqliteParameter _latestParameter;
    private long _latest;
    private long _vacuumedThrough;

    public SyncLogWriter(SqliteConnection connection, BackgroundCheckpointer checkpointer)
    {
        _connection = connection;
        _checkpointer = checkpointer;
        (_latest, _vacuumedThrough) = ReadState();

        _insert = connection.CreateCommand();
        _insert.CommandText = InsertSql;
        _sequence = _insert.Parameters.Add("$sequence", SqliteType.Integer);
        _deviceId = _insert.Parameters.Add("$device_id", SqliteType.Text);
        _timestamp = _insert.Parameters.Add("$timestamp", SqliteType.Text);
        _modelType = _insert.Parameters.Add("$model_type", SqliteType.Text);
        _recordId = _insert.Parameters.Add("$record_id", SqliteType.Text);
        _changeType = _insert.Parameters.Add("$change_type", SqliteType.Text);
        _version = _insert.Parameters.Add("$version", SqliteType.Integer);
        _data = _insert.Parameters.Add("$data", SqliteType.Text);
        _insert.Prepare();

        _updateLatest = connection.CreateCommand();
        _updateLatest.CommandText = UpdateLatestSql;
        _latestParameter = _updateLatest.Parameters.Add("$latest", SqliteType.Integer);
        _updateLatest.Prepare();
    }

    public long LatestSequence => Volatile.Read(ref _latest);

    public long VacuumedThroughSequence => Volatile.Read(ref _vacuumedThrough);

    /// <summary>
    /// Writes validated entries in one transaction with the next contiguous sequences. Before committing it asks
    /// <paramref name="joinLate"/> (if given) for entries that arrived meanwhile, with the room left under
    /// <paramref name="maxEntries"/>, and writes those too, until it returns none: a busy writer's transactions grow
    /// to what is waiting instead of alternating between a full and a half-full one.
    /// </summary>
    public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries, CancellationToken ct,
        Func<int, IReadOnlyList<NewSyncLogEntry>>? joinLate = null, int maxEntries = int.MaxValue)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var next = _latest + 1;
            var sequences = new List<long>(entries.Count);
            using (var transaction = _connection.BeginTransaction(deferred: false))
            {
                _insert.Transaction = transaction;
                _updateLatest.Transaction = transaction;
                var batch = entries;
                while (batch.Count > 0)
                {
                    foreach (var e in batch)
                    {
                        sequences.Add(next);
                        Insert(next++, e.DeviceId, e.Timestamp, e.ModelType, e.RecordId, e.ChangeType, e.Version, e.Data);
                    }

                    batch = joinLate is null || sequences.Count >= maxEntries ? [] : joinLate(maxEntries - sequences.Count);
                }

                SetLatest(sequences[^1]);
                transaction.Commit();
            }

            Volatile.Write(ref _latest, sequences[^1]);
            _checkpointer.Committed(sequences.Count);
            return sequences;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Mirrors a leader's entries with their own sequences; see <see cref="SyncLogDb.ReplicateAsync"/>.</summary>
    public async Task<ReplicationResult> ReplicateAsync(IReadOnlyList<SyncLogEntry> entries, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
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
            }

            if (fresh.Count == 0)
                return new ReplicationResult(ReplicationOutcome.Applied, _latest, 0);
            if (fresh[0].Sequence != _latest + 1)
                return new ReplicationResult(ReplicationOutcome.Gap, _latest, 0);

            using (var transaction = _connection.BeginTransaction(deferred: false))
            {
                _insert.Transaction = transaction;
                _updateLatest.Transaction = transaction;
                foreach (var e in fresh)
                    Insert(e.Sequence, e.DeviceId, e.Timestamp, e.ModelType, e.RecordId, e.ChangeType, e.Version, e.Data);
                SetLatest(fresh[^1].Sequence);
                transaction.Commit();
            }

            Volatile.Write(ref _latest, fresh[^1].Sequence);
            _checkpointer.Committed(fresh.Count);
            return new ReplicationResult(ReplicationOutcome.Applied, _latest, fresh.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Deletes the longest prefix of the log whose entries are all older than <paramref name="before"/>,
    /// one chunk per transaction so appends can interleave with a long vacuum.
    /// </summary>
    public async Task<int> VacuumAsync(DateTimeOffset before, int chunkSize, CancellationToken ct)
    {
        var cutoff = UtcTimestamp.ToText(before);
        var removed = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await _gate.WaitAsync(ct);
            try
            {
                var (through, reachedYoungerEntry) = FindExpiredPrefixEnd(cutoff, chunkSize);
                if (through > 0)
                    removed += DeleteThrough(through, _latest);
                if (reachedYoungerEntry || through == 0)
                    return removed;
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Restarts the log after <paramref name="through"/>; see <see cref="SyncLogDb.ResyncFromAsync"/>.</summary>
    public async Task<(long Latest, long VacuumedThrough)> ResyncFromAsync(long through, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var floor = Math.Max(_vacuumedThrough, through);
            var latest = Math.Max(_latest, floor);
            DeleteThrough(floor, latest);
            return (latest, floor);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Waits for an in-flight write so the connection is never closed under it.
    public void Dispose()
    {
        _gate.Wait();
        _checkpointer.Dispose();
        _insert.Dispose();
        _updateLatest.Dispose();
        _connection.Dispose();
        _gate.Dispose();
    }

    private void Insert(long sequence, string deviceId, DateTimeOffset timestamp, string modelType, string recordId,
        ChangeType changeType, long version, string data)
    {
        _sequence.Value = sequence;
        _deviceId.Value = deviceId;
        _timestamp.Value = UtcTimestamp.ToText(timestamp);
        _modelType.Value = modelType;
        _recordId.Value = recordId;
        _changeType.Value = ChangeTypeText.ToText(changeType);
        _version.Value = version;
        _data.Value = data;
        _insert.ExecuteNonQuery();
    }

    private void SetLatest(long latest)
    {
        _latestParameter.Value = latest;
        _updateLatest.ExecuteNonQuery();
    }

    // Entries are vacuumed as a prefix only: an old-timestamped entry behind a younger one waits, because
    // deleting it would leave a hole that a follower reading past the vacuum floor could not detect.
    private (long Through, bool ReachedYoungerEntry) FindExpiredPrefixEnd(string cutoff, int chunkSize)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = SelectVacuumWindowSql;
        command.Parameters.AddWithValue("$limit", chunkSize);
        using var reader = command.ExecuteReader();
        long through = 0;
        while (reader.Read())
        {
            if (string.CompareOrdinal(reader.GetString(1), cutoff) >= 0)
                return (through, true);
            through = reader.GetInt64(0);
        }

        return (through, false);
    }

    // Removes entries up to `through` and records both marks in the same transaction.
    private int DeleteThrough(long through, long latest)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        using var delete = _connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = DeleteThroughSql;
        delete.Parameters.AddWithValue("$through", through);
        var removed = delete.ExecuteNonQuery();

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

    private (long Latest, long VacuumedThrough) ReadState()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = SyncLogStateRow.SelectSql;
        return SyncLogStateRow.Read(command);
    }
}
