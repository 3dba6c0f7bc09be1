using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>
/// Finds how far the log's removable prefix reaches under a <see cref="VacuumPolicy"/>, one chunk at a time: the writer
/// deletes what it finds, a dry run only counts it. Only a prefix is ever removable, so readers never see a hole.
/// </summary>
internal static class VacuumScan
{
    private const string SelectWindowSql =
        "SELECT sequence, timestamp FROM sync_log WHERE sequence > $after ORDER BY sequence LIMIT $limit";

    // The log is contiguous, so the held-back entries end where the first entry younger than the retention starts.
    private const string FirstYoungSql =
        "SELECT sequence FROM sync_log WHERE sequence >= $from AND timestamp >= $before ORDER BY sequence LIMIT 1";

    /// <summary>Why a scan stopped where it did.</summary>
    public enum Stop
    {
        /// <summary>The chunk was removable to its end and full: scan on after it.</summary>
        More,

        /// <summary>The log ends within the chunk.</summary>
        EndOfLog,

        /// <summary>An entry not older than the retention.</summary>
        Young,

        /// <summary>An expired entry some follower that is not lost has not acked.</summary>
        HeldBack,
    }

    /// <summary>
    /// Scans up to <paramref name="limit"/> entries after <paramref name="after"/>: returns the last removable one (or
    /// <paramref name="after"/> when none is), why it stopped, and the entry it stopped at.
    /// </summary>
    public static (long Through, Stop Stop, long StoppedAt) Next(SqliteConnection connection, SqliteTransaction? transaction,
        VacuumPolicy policy, long? ackFloor, long after, int limit)
    {
        var before = UtcTimestamp.ToText(policy.Before);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SelectWindowSql;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var through = after;
        var read = 0;
        while (reader.Read())
        {
            read++;
            var sequence = reader.GetInt64(0);
            var timestamp = reader.GetString(1);
            if (string.CompareOrdinal(timestamp, before) >= 0)
                return (through, Stop.Young, sequence);
            // No timestamp-based override: a client writes the timestamp; only a follower's own silence (LostBefore,
            // applied to the ack floor) lets entries go unacked.
            if (ackFloor is { } floor && sequence > floor)
                return (through, Stop.HeldBack, sequence);
            through = sequence;
        }

        return (through, read < limit ? Stop.EndOfLog : Stop.More, 0);
    }

    /// <summary>What was held back from <paramref name="from"/> on, and by which followers, real and learned (read in one snapshot).</summary>
    public static VacuumHold Hold(SqliteConnection connection, SqliteTransaction? transaction, VacuumPolicy policy, long from,
        long latest)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = FirstYoungSql;
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$before", UtcTimestamp.ToText(policy.Before));
        var end = command.ExecuteScalar() is long young ? young : latest + 1;
        var lagging = FollowerTable.ReadAll(connection, transaction)
            .Where(f => f.AckedSequence < from && !string.Equals(f.DeviceId, policy.OwnDeviceId, StringComparison.Ordinal)
                && !FollowerTable.IsLost(f, policy))
            .ToList();
        var learned = LearnedFollowerTable.Counting(connection, transaction, policy.OwnDeviceId)
            .Where(l => l.AckedSequence < from && !LearnedFollowerTable.IsLost(l, policy))
            .ToList();
        return new VacuumHold(from, Math.Max(0, end - from), lagging, learned.Count == 0 ? null : learned);
    }
}
