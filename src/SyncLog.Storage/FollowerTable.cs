using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>
/// The followers' acks (<c>sync_log_followers</c>) and the log ids that no longer count (<c>sync_log_retired_logs</c>),
/// read and written the same way by the writer and the reader.
/// </summary>
internal static class FollowerTable
{
    private const string SelectRetiredSql = "SELECT reason FROM sync_log_retired_logs WHERE log_id = $log_id";

    private const string SelectFollowerSql = "SELECT log_id, acked_sequence FROM sync_log_followers WHERE device_id = $device_id";

    private const string InsertFollowerSql = """
        INSERT INTO sync_log_followers (device_id, log_id, acked_sequence, updated_at)
        VALUES ($device_id, $log_id, $acked, $now)
        """;

    private const string UpdateFollowerSql = """
        UPDATE sync_log_followers SET log_id = $log_id, acked_sequence = $acked, updated_at = $now
        WHERE device_id = $device_id
        """;

    private const string DeleteFollowerSql = "DELETE FROM sync_log_followers WHERE device_id = $device_id";

    // OR IGNORE: a log id is retired once, for the first reason.
    private const string RetireSql = """
        INSERT OR IGNORE INTO sync_log_retired_logs (log_id, device_id, reason, retired_at)
        VALUES ($log_id, $device_id, $reason, $now)
        """;

    internal const string SelectAllSql =
        "SELECT device_id, log_id, acked_sequence, updated_at FROM sync_log_followers ORDER BY device_id";

    // The lowest ack of every follower but this host's own device and those lost (last ack before $lost, this host's
    // clock; text order is time order), and of every learned row that still counts: what every follower holds.
    internal const string AckFloorSql = $"""
        SELECT MIN(acked) FROM (
            SELECT acked_sequence AS acked FROM sync_log_followers WHERE device_id <> $own AND updated_at >= $lost
            UNION ALL
            {LearnedFollowerTable.CountingAckedSql}
        )
        """;

    private const string Forgotten = "forgotten";
    private const string Replaced = "replaced";

    /// <summary>
    /// Records one ack inside <paramref name="transaction"/>: forward only for the same log id; a new log id for a known
    /// device replaces its record and retires the old log id; a retired log id is not recorded.
    /// </summary>
    public static FollowerAckResult Acknowledge(SqliteConnection connection, SqliteTransaction transaction, string deviceId,
        Guid logId, long sequence, DateTimeOffset now, bool allowReplace = true)
    {
        var log = logId.ToString("D");
        var at = UtcTimestamp.ToText(now);
        if (Scalar(connection, transaction, SelectRetiredSql, ("$log_id", log)) is string reason)
            return new FollowerAckResult(reason == Forgotten ? FollowerAckOutcome.Forgotten : FollowerAckOutcome.Replaced, 0);

        string? knownLog = null;
        long knownAcked = 0;
        using (var select = Command(connection, transaction, SelectFollowerSql, ("$device_id", deviceId)))
        using (var reader = select.ExecuteReader())
        {
            if (reader.Read())
            {
                knownLog = reader.GetString(0);
                knownAcked = reader.GetInt64(1);
            }
        }

        if (knownLog is null)
        {
            Execute(connection, transaction, InsertFollowerSql,
                ("$device_id", deviceId), ("$log_id", log), ("$acked", sequence), ("$now", at));
            return new FollowerAckResult(FollowerAckOutcome.Recorded, sequence);
        }

        var acked = sequence;
        if (knownLog != log && !allowReplace)
            return new FollowerAckResult(FollowerAckOutcome.ReplaceNotAllowed, knownAcked);
        if (knownLog == log)
            acked = Math.Max(knownAcked, sequence);
        else
            // A reset device: its old log's (possibly higher) ack no longer counts, and a late message from it never will.
            Execute(connection, transaction, RetireSql,
                ("$log_id", knownLog), ("$device_id", deviceId), ("$reason", Replaced), ("$now", at));
        Execute(connection, transaction, UpdateFollowerSql,
            ("$device_id", deviceId), ("$log_id", log), ("$acked", acked), ("$now", at));
        return new FollowerAckResult(FollowerAckOutcome.Recorded, acked);
    }

    /// <summary>
    /// Drops the device's record and retires its log id, and drops what this host learned of it from another leader;
    /// false when the device had neither.
    /// </summary>
    public static bool Forget(SqliteConnection connection, SqliteTransaction transaction, string deviceId, DateTimeOffset now)
    {
        var learned = LearnedFollowerTable.Delete(connection, transaction, deviceId);
        if (Scalar(connection, transaction, SelectFollowerSql, ("$device_id", deviceId)) is not string log)
            return learned;
        Execute(connection, transaction, RetireSql,
            ("$log_id", log), ("$device_id", deviceId), ("$reason", Forgotten), ("$now", UtcTimestamp.ToText(now)));
        Execute(connection, transaction, DeleteFollowerSql, ("$device_id", deviceId));
        return true;
    }

    /// <summary>Every follower's record, by device id.</summary>
    public static List<FollowerAck> ReadAll(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var select = Command(connection, transaction, SelectAllSql);
        using var reader = select.ExecuteReader();
        var followers = new List<FollowerAck>();
        while (reader.Read())
            followers.Add(new FollowerAck(reader.GetString(0), Guid.ParseExact(reader.GetString(1), "D"), reader.GetInt64(2),
                UtcTimestamp.Parse(reader.GetString(3))));
        return followers;
    }

    /// <summary>
    /// The lowest ack among followers other than <paramref name="ownDeviceId"/> that acked at or after
    /// <paramref name="lostBefore"/> (all of them when null); null when there are none.
    /// </summary>
    public static long? AckFloor(SqliteConnection connection, SqliteTransaction? transaction, string? ownDeviceId,
        DateTimeOffset? lostBefore) =>
        Scalar(connection, transaction, AckFloorSql, ("$own", ownDeviceId ?? ""),
            ("$lost", lostBefore is { } lost ? UtcTimestamp.ToText(lost) : "")) is long floor ? floor : null;

    /// <summary>True when <paramref name="follower"/> counts as lost under <paramref name="policy"/> (its last ack is too old).</summary>
    public static bool IsLost(FollowerAck follower, VacuumPolicy policy) =>
        policy.LostBefore is { } lost && follower.LastAckAt < lost
        && !string.Equals(follower.DeviceId, policy.OwnDeviceId, StringComparison.Ordinal);

    /// <summary>The followers <paramref name="policy"/> counts as lost; null when none.</summary>
    public static IReadOnlyList<FollowerAck>? Lost(SqliteConnection connection, SqliteTransaction? transaction,
        VacuumPolicy policy)
    {
        if (policy.LostBefore is null)
            return null;
        var lost = ReadAll(connection, transaction).Where(f => IsLost(f, policy)).ToList();
        return lost.Count == 0 ? null : lost;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql,
        params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }
}
