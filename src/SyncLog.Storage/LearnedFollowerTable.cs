using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>
/// What this host learned about another leader's followers (<c>sync_log_learned_followers</c>), so that after a
/// fail-over it vacuums nothing those followers still need before they ack it. A learned row holds back vacuum unless
/// this host has an ack of the same device at least as recent (<c>sync_log_followers.updated_at &gt;= last_ack_at</c>).
/// </summary>
internal static class LearnedFollowerTable
{
    private const string DeleteAllSql = "DELETE FROM sync_log_learned_followers";

    private const string InsertSql = """
        INSERT INTO sync_log_learned_followers (device_id, acked_sequence, last_ack_at, learned_from, learned_at)
        VALUES ($device_id, $acked, $last_ack_at, $learned_from, $learned_at)
        """;

    private const string LearnedTermSql = "SELECT learned_term FROM sync_log_state WHERE id = 1";

    private const string SetLearnedTermSql = "UPDATE sync_log_state SET learned_term = $term WHERE id = 1";

    private const string DeleteSql = "DELETE FROM sync_log_learned_followers WHERE device_id = $device_id";

    // The rows that still count: not this host's own device, and no ack to this host as recent (text order is time order).
    private const string CountingSql = """
        SELECT l.device_id, l.acked_sequence, l.last_ack_at, l.learned_from, l.learned_at
        FROM sync_log_learned_followers l
        WHERE l.device_id <> $own
          AND NOT EXISTS (SELECT 1 FROM sync_log_followers f WHERE f.device_id = l.device_id AND f.updated_at >= l.last_ack_at)
        ORDER BY l.device_id
        """;

    /// <summary>The part of <see cref="FollowerTable.AckFloorSql"/> that learned rows add: those that count and are not lost.</summary>
    internal const string CountingAckedSql = """
        SELECT l.acked_sequence FROM sync_log_learned_followers l
        WHERE l.device_id <> $own AND l.last_ack_at >= $lost
          AND NOT EXISTS (SELECT 1 FROM sync_log_followers f WHERE f.device_id = l.device_id AND f.updated_at >= l.last_ack_at)
        """;

    /// <summary>
    /// Replaces every learned row with <paramref name="followers"/> as <paramref name="leaderDeviceId"/> reported them at
    /// <paramref name="leaderTerm"/>, but <paramref name="ownDeviceId"/>'s (a host never waits for itself), a last ack
    /// after <paramref name="now"/> stored as <paramref name="now"/>. A term below the learned one changes nothing.
    /// </summary>
    public static LearnedFollowersResult Replace(SqliteConnection connection, SqliteTransaction transaction, string leaderDeviceId,
        long leaderTerm, IReadOnlyList<KnownFollower> followers, string? ownDeviceId, DateTimeOffset now)
    {
        long learnedTerm;
        using (var read = Command(connection, transaction, LearnedTermSql))
            learnedTerm = (long)read.ExecuteScalar()!;
        if (leaderTerm < learnedTerm)
            return new LearnedFollowersResult(IsStale: true, Stored: 0, learnedTerm);
        using (var setTerm = Command(connection, transaction, SetLearnedTermSql))
        {
            setTerm.Parameters.AddWithValue("$term", leaderTerm);
            setTerm.ExecuteNonQuery();
        }

        using (var delete = Command(connection, transaction, DeleteAllSql))
            delete.ExecuteNonQuery();
        using var insert = Command(connection, transaction, InsertSql);
        var device = insert.Parameters.Add("$device_id", SqliteType.Text);
        var acked = insert.Parameters.Add("$acked", SqliteType.Integer);
        var lastAck = insert.Parameters.Add("$last_ack_at", SqliteType.Text);
        insert.Parameters.AddWithValue("$learned_from", leaderDeviceId);
        insert.Parameters.AddWithValue("$learned_at", UtcTimestamp.ToText(now));
        var stored = 0;
        foreach (var follower in followers)
        {
            if (string.Equals(follower.DeviceId, ownDeviceId, StringComparison.Ordinal))
                continue;
            device.Value = follower.DeviceId;
            acked.Value = follower.AckedSequence;
            // The leader's clock: a time ahead of this host's is taken as now, or no ack to this host could supersede
            // the row and max-retention would not count it lost until this host's clock caught up.
            lastAck.Value = UtcTimestamp.ToText(follower.LastAckAt > now ? now : follower.LastAckAt);
            insert.ExecuteNonQuery();
            stored++;
        }

        return new LearnedFollowersResult(IsStale: false, stored, leaderTerm);
    }

    /// <summary>Drops the device's learned row; false when there was none.</summary>
    public static bool Delete(SqliteConnection connection, SqliteTransaction transaction, string deviceId)
    {
        using var delete = Command(connection, transaction, DeleteSql);
        delete.Parameters.AddWithValue("$device_id", deviceId);
        return delete.ExecuteNonQuery() > 0;
    }

    /// <summary>The learned rows that hold back vacuum (lost ones included): no ack to this host superseded them.</summary>
    public static List<LearnedFollower> Counting(SqliteConnection connection, SqliteTransaction? transaction, string? ownDeviceId)
    {
        using var select = Command(connection, transaction, CountingSql);
        select.Parameters.AddWithValue("$own", ownDeviceId ?? "");
        using var reader = select.ExecuteReader();
        var learned = new List<LearnedFollower>();
        while (reader.Read())
            learned.Add(new LearnedFollower(reader.GetString(0), reader.GetInt64(1), UtcTimestamp.Parse(reader.GetString(2)),
                reader.GetString(3), UtcTimestamp.Parse(reader.GetString(4))));
        return learned;
    }

    /// <summary>True when <paramref name="learned"/> counts as lost under <paramref name="policy"/> (its last ack is too old).</summary>
    public static bool IsLost(LearnedFollower learned, VacuumPolicy policy) =>
        policy.LostBefore is { } lost && learned.LastAckAt < lost;

    /// <summary>The counting learned rows <paramref name="policy"/> counts as lost; null when none.</summary>
    public static IReadOnlyList<LearnedFollower>? Lost(SqliteConnection connection, SqliteTransaction? transaction,
        VacuumPolicy policy)
    {
        if (policy.LostBefore is null)
            return null;
        var lost = Counting(connection, transaction, policy.OwnDeviceId).Where(l => IsLost(l, policy)).ToList();
        return lost.Count == 0 ? null : lost;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
