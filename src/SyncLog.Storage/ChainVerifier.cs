using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>Recomputes a log's checksum chain from its rows, in one read transaction, and reports the first break.</summary>
internal static class ChainVerifier
{
    private const string RowsSql = """
        SELECT s.sequence, s.device_id, s.timestamp, s.model_type, s.record_id, s.change_type, s.version, s.data, c.checksum
        FROM sync_log s LEFT JOIN sync_log_checksum c ON c.sequence = s.sequence
        ORDER BY s.sequence
        """;

    /// <summary>Checks every stored entry against the chain from the vacuum floor's checksum up to the latest sequence.</summary>
    public static ChainVerification Verify(SqliteConnection connection, SqliteTransaction transaction, long latest, long floor)
    {
        var head = ChecksumAt(connection, transaction, latest);
        // Unknown base (resynced without the leader's checksum): the first entry's stored checksum is taken as given.
        var previous = ChecksumAt(connection, transaction, floor);
        var expected = floor + 1;
        long checkedEntries = 0;
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = RowsSql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var sequence = reader.GetInt64(0);
            if (sequence != expected)
                return Broken(expected, $"entry {expected} is missing (the next stored entry is {sequence})");
            if (reader.IsDBNull(8))
                return Broken(sequence, $"entry {sequence} has no stored checksum");
            var stored = SyncLogChecksum.FromBytes((byte[])reader.GetValue(8));
            if (previous is { } known)
            {
                var computed = ChecksumChain.Next(known, sequence, reader.GetString(1), reader.GetString(2),
                    reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6), reader.GetString(7));
                if (computed != stored)
                    return Broken(sequence, $"entry {sequence} does not match its checksum: its content or an earlier entry's was changed");
            }

            previous = stored;
            expected++;
            checkedEntries++;
        }

        if (expected <= latest)
            return Broken(expected, $"entry {expected} is missing (the log's latest sequence is {latest})");
        return new ChainVerification(checkedEntries, latest, head, null, null);

        ChainVerification Broken(long at, string problem) => new(checkedEntries, latest, head, at, problem);
    }

    /// <summary>The stored checksum at <paramref name="sequence"/>, or null when there is none (vacuumed, unknown, never written).</summary>
    public static SyncLogChecksum? ChecksumAt(SqliteConnection connection, SqliteTransaction? transaction, long sequence)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT checksum FROM sync_log_checksum WHERE sequence = $sequence";
        command.Parameters.AddWithValue("$sequence", sequence);
        return command.ExecuteScalar() is byte[] bytes ? SyncLogChecksum.FromBytes(bytes) : null;
    }
}
