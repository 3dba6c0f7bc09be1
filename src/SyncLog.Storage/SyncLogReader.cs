using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>
/// The read-only connection of a library's log. With WAL it reads the last committed state without
/// waiting behind the writer; its own gate serializes readers because a connection is not thread-safe.
/// </summary>
internal sealed class SyncLogReader : IDisposable
{
    // Every query below seeks an index; none reads sync_log row by row (QueryPlanSpecs checks each plan). Two facts
    // make that possible without new indexes:
    // - id order is sequence order: rows are only ever inserted in sequence order and AUTOINCREMENT never reuses an
    //   id. A secondary index on (x) is really (x, id), so "x = ? ORDER BY id" reads the index in order, no sort.
    // - the stored log is contiguous: appends take the next sequence, replication refuses gaps, and vacuum and
    //   resync only delete a prefix. So the count is max - min + 1, both read at the ends of the sequence index.
    internal const string FetchSinceSql =
        $"SELECT {SyncLogRow.Columns} FROM sync_log WHERE sequence > $since ORDER BY sequence LIMIT $limit";

    // The sequence bound becomes an id bound, so the device index range (device_id = ?, id >= ?) starts at the
    // page: the cost of a page is the same at the start and at the end of the log. Filtering on sequence instead
    // would read every earlier entry of the device, and ORDER BY sequence would sort all of them.
    internal const string ByDeviceSql = $"""
        SELECT {SyncLogRow.Columns} FROM sync_log
        WHERE device_id = $device_id
          AND id >= (SELECT id FROM sync_log WHERE sequence > $since ORDER BY sequence LIMIT 1)
        ORDER BY id LIMIT $limit
        """;

    internal const string ByRecordSql = $"""
        SELECT {SyncLogRow.Columns} FROM sync_log
        WHERE model_type = $model_type AND record_id = $record_id ORDER BY id LIMIT $limit
        """;

    // (timestamp, id) is exactly the timestamp index's key, so this needs no sort.
    internal const string ByTimeRangeSql = $"""
        SELECT {SyncLogRow.Columns} FROM sync_log
        WHERE timestamp >= $from AND timestamp < $to ORDER BY timestamp, id LIMIT $limit
        """;

    internal const string OldestSql = "SELECT COALESCE(MIN(sequence), 0) FROM sync_log";

    // Each MIN/MAX on its own is a single seek to one end of an index; together in one SELECT with COUNT(*) they
    // would be computed by scanning the table.
    internal const string CountSql =
        "SELECT COALESCE((SELECT MAX(sequence) FROM sync_log) - (SELECT MIN(sequence) FROM sync_log) + 1, 0)";

    internal const string SummarySql = """
        SELECT COALESCE((SELECT MAX(sequence) FROM sync_log) - (SELECT MIN(sequence) FROM sync_log) + 1, 0),
               COALESCE((SELECT MIN(sequence) FROM sync_log), 0),
               (SELECT MIN(timestamp) FROM sync_log),
               (SELECT MAX(timestamp) FROM sync_log)
        """;

    // Reads only the (model_type, record_id) index, never a table row; still one pass over that index, the one
    // part of stats whose cost grows with the log (see README "Benchmarks", reads at size).
    internal const string CountsByModelSql =
        "SELECT model_type, COUNT(*) FROM sync_log GROUP BY model_type ORDER BY model_type";

    /// <summary>Every statement the reader runs, by name, for the query-plan specs.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Statements = new Dictionary<string, string>
    {
        ["FetchSince"] = FetchSinceSql,
        ["FetchByDevice"] = ByDeviceSql,
        ["FetchByRecord"] = ByRecordSql,
        ["FetchByTimeRange"] = ByTimeRangeSql,
        ["OldestSequence"] = OldestSql,
        ["Count"] = CountSql,
        ["Stats summary"] = SummarySql,
        ["Stats counts by model"] = CountsByModelSql,
        ["State"] = SyncLogStateRow.SelectSql,
    };

    private readonly SqliteConnection _connection;
    private readonly ClosableGate _gate;
    private readonly SqliteCommand _state;
    private readonly SqliteCommand _fetchSince;
    private readonly SqliteParameter _since, _limit;

    public SyncLogReader(SqliteConnection connection, string filePath)
    {
        _connection = connection;
        _gate = new ClosableGate($"sync log '{filePath}'");
        _state = connection.CreateCommand();
        _state.CommandText = SyncLogStateRow.SelectSql;
        _state.Prepare();
        _fetchSince = connection.CreateCommand();
        _fetchSince.CommandText = FetchSinceSql;
        _since = _fetchSince.Parameters.Add("$since", SqliteType.Integer);
        _limit = _fetchSince.Parameters.Add("$limit", SqliteType.Integer);
        _fetchSince.Prepare();
    }

    public async Task<FetchResult> FetchSinceAsync(long sequence, int limit, CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            // One read transaction, so the page and the state it is judged against are the same snapshot.
            using var transaction = _connection.BeginTransaction(deferred: true);
            _state.Transaction = transaction;
            _fetchSince.Transaction = transaction;
            var (latest, vacuumedThrough) = ReadState();
            if (sequence < vacuumedThrough)
                return new FetchResult([], latest, IsTruncated: true, vacuumedThrough,
                    ChainVerifier.ChecksumAt(_connection, transaction, vacuumedThrough));

            _since.Value = sequence;
            _limit.Value = limit;
            var entries = ReadAll(_fetchSince, limit);
            transaction.Commit();
            return new FetchResult(entries, latest, IsTruncated: false, vacuumedThrough);
        }
        finally
        {
            _gate.Exit();
        }
    }

    public Task<IReadOnlyList<SyncLogEntry>> FetchByDeviceAsync(string deviceId, long sinceSequence, int limit,
        CancellationToken ct) =>
        QueryAsync(ByDeviceSql, limit, ct, ("$device_id", deviceId), ("$since", sinceSequence));

    public Task<IReadOnlyList<SyncLogEntry>> FetchByRecordAsync(string modelType, string recordId, int limit,
        CancellationToken ct) =>
        QueryAsync(ByRecordSql, limit, ct, ("$model_type", modelType), ("$record_id", recordId));

    public Task<IReadOnlyList<SyncLogEntry>> FetchByTimeRangeAsync(DateTimeOffset from, DateTimeOffset to, int limit,
        CancellationToken ct) =>
        QueryAsync(ByTimeRangeSql, limit, ct, ("$from", UtcTimestamp.ToText(from)), ("$to", UtcTimestamp.ToText(to)));

    public Task<long> OldestSequenceAsync(CancellationToken ct) => ScalarAsync(OldestSql, ct);

    /// <summary>The committed high-water mark and vacuum floor, for a read-only log whose writer is elsewhere.</summary>
    public async Task<(long Latest, long VacuumedThrough)> StateAsync(CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            _state.Transaction = null;
            return ReadState();
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Recomputes the whole chain in one snapshot; see <see cref="ChainVerifier"/>.</summary>
    public Task<ChainVerification> VerifyChainAsync(CancellationToken ct) => InSnapshotAsync(
        (transaction, latest, floor) => ChainVerifier.Verify(_connection, transaction, latest, floor), ct);

    /// <summary>The latest sequence, its checksum and the vacuum floor, in one snapshot.</summary>
    public Task<ChainHead> ChainHeadAsync(CancellationToken ct) => InSnapshotAsync(
        (transaction, latest, floor) => new ChainHead(latest, ChainVerifier.ChecksumAt(_connection, transaction, latest), floor), ct);

    /// <summary>The stored checksum at one sequence: one primary-key lookup.</summary>
    public Task<SyncLogChecksum?> ChecksumAtAsync(long sequence, CancellationToken ct) => InSnapshotAsync(
        (transaction, _, _) => ChainVerifier.ChecksumAt(_connection, transaction, sequence), ct);

    public Task<long> CountAsync(CancellationToken ct) => ScalarAsync(CountSql, ct);

    /// <summary>Every follower's record, by device id.</summary>
    public Task<IReadOnlyList<FollowerAck>> FollowersAsync(CancellationToken ct) => InSnapshotAsync(
        (transaction, _, _) => (IReadOnlyList<FollowerAck>)FollowerTable.ReadAll(_connection, transaction), ct);

    /// <summary>What <paramref name="policy"/> held back from <paramref name="from"/> on, and by whom.</summary>
    public Task<VacuumHold> HoldAsync(VacuumPolicy policy, long from, CancellationToken ct) => InSnapshotAsync(
        (transaction, latest, _) => VacuumScan.Hold(_connection, transaction, policy, from, latest), ct);

    /// <summary>The followers, real and learned, <paramref name="policy"/> counts as lost (last ack too old); null when none.</summary>
    public Task<(IReadOnlyList<FollowerAck>? Real, IReadOnlyList<LearnedFollower>? Learned)> LostAsync(VacuumPolicy policy,
        CancellationToken ct) => InSnapshotAsync(
        (transaction, _, _) => (FollowerTable.Lost(_connection, transaction, policy), LearnedFollowerTable.Lost(_connection, transaction, policy)),
        ct);

    /// <summary>Every follower this host waits for, as it tells others: its own followers' acks, then the learned rows that count.</summary>
    public Task<IReadOnlyList<KnownFollower>> VouchedFollowersAsync(CancellationToken ct) => InSnapshotAsync(
        (transaction, _, _) =>
        {
            IReadOnlyList<KnownFollower> vouched =
            [
                .. FollowerTable.ReadAll(_connection, transaction).Select(f => new KnownFollower(f.DeviceId, f.AckedSequence, f.LastAckAt)),
                .. LearnedFollowerTable.Counting(_connection, transaction, null)
                    .Select(l => new KnownFollower(l.DeviceId, l.AckedSequence, l.LastAckAt)),
            ];
            return vouched;
        }, ct);

    /// <summary>What a vacuum under <paramref name="policy"/> would remove and hold back now, in one snapshot; writes nothing.</summary>
    public Task<VacuumReport> PlanVacuumAsync(VacuumPolicy policy, int chunkSize, CancellationToken ct) => InSnapshotAsync(
        (transaction, latest, floor) =>
        {
            var ackFloor = FollowerTable.AckFloor(_connection, transaction, policy.OwnDeviceId, policy.LostBefore);
            var through = floor;
            while (true)
            {
                var (next, stop, at) = VacuumScan.Next(_connection, transaction, policy, ackFloor, through, chunkSize);
                through = next;
                if (stop == VacuumScan.Stop.More)
                    continue;
                // The stored log is contiguous from the floor on, so what would go is through - floor entries.
                var removed = (int)Math.Min(int.MaxValue, through - floor);
                var hold = stop == VacuumScan.Stop.HeldBack ? VacuumScan.Hold(_connection, transaction, policy, at, latest) : null;
                return new VacuumReport(removed, removed > 0 ? through : null, hold,
                    FollowerTable.Lost(_connection, transaction, policy), LearnedFollowerTable.Lost(_connection, transaction, policy));
            }
        }, ct);

    public async Task<SyncLogStats> StatsAsync(string filePath, Guid logId, CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: true);
            _state.Transaction = transaction;
            var (latest, vacuumedThrough) = ReadState();
            using var summary = _connection.CreateCommand();
            summary.Transaction = transaction;
            summary.CommandText = SummarySql;
            long count, oldest;
            DateTimeOffset? oldestTime, newestTime;
            using (var reader = summary.ExecuteReader())
            {
                reader.Read();
                count = reader.GetInt64(0);
                oldest = reader.GetInt64(1);
                oldestTime = reader.IsDBNull(2) ? null : UtcTimestamp.Parse(reader.GetString(2));
                newestTime = reader.IsDBNull(3) ? null : UtcTimestamp.Parse(reader.GetString(3));
            }

            using var byModel = _connection.CreateCommand();
            byModel.Transaction = transaction;
            byModel.CommandText = CountsByModelSql;
            var counts = new List<KeyValuePair<string, long>>();
            using (var reader = byModel.ExecuteReader())
            {
                while (reader.Read())
                    counts.Add(new(reader.GetString(0), reader.GetInt64(1)));
            }

            var followers = FollowerTable.ReadAll(_connection, transaction);
            var learned = LearnedFollowerTable.Counting(_connection, transaction, null);
            transaction.Commit();
            var wal = new FileInfo(filePath + "-wal");
            var size = new FileInfo(filePath).Length + (wal.Exists ? wal.Length : 0);
            return new SyncLogStats(count, oldest, latest, vacuumedThrough, oldestTime, newestTime, size, counts, logId, followers, learned);
        }
        finally
        {
            _gate.Exit();
        }
    }

    // Fails queued reads with ObjectDisposedException and waits for the one in flight, so the connection is never
    // closed under it.
    public void Dispose()
    {
        _gate.Dispose();
        _state.Dispose();
        _fetchSince.Dispose();
        _connection.Dispose();
    }

    private async Task<IReadOnlyList<SyncLogEntry>> QueryAsync(string sql, int limit, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await _gate.EnterAsync(ct);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
                command.Parameters.AddWithValue(name, value);
            command.Parameters.AddWithValue("$limit", limit);
            return ReadAll(command, limit);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private async Task<T> InSnapshotAsync<T>(Func<SqliteTransaction, long, long, T> read, CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: true);
            _state.Transaction = transaction;
            var (latest, vacuumedThrough) = ReadState();
            var result = read(transaction, latest, vacuumedThrough);
            transaction.Commit();
            return result;
        }
        finally
        {
            _gate.Exit();
        }
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken ct)
    {
        await _gate.EnterAsync(ct);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            return (long)command.ExecuteScalar()!;
        }
        finally
        {
            _gate.Exit();
        }
    }

    private (long Latest, long VacuumedThrough) ReadState() => SyncLogStateRow.Read(_state);

    private static List<SyncLogEntry> ReadAll(SqliteCommand command, int limit)
    {
        var entries = new List<SyncLogEntry>(Math.Min(limit, 1024));
        using var reader = command.ExecuteReader();
        while (reader.Read())
            entries.Add(SyncLogRow.Read(reader));
        return entries;
    }
}
