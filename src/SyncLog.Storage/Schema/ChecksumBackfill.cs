using Microsoft.Data.Sqlite;

namespace SyncLog.Storage.Schema;

/// <summary>
/// Computes the rolling checksum of every row a file holds when it reaches v5, inside the migration's transaction.
/// The chain starts at the vacuum floor with <see cref="SyncLogChecksum.Zero"/>, as a new log starts at sequence 0.
/// </summary>
internal static class ChecksumBackfill
{
    private const string SelectRowsSql = """
        SELECT sequence, device_id, timestamp, model_type, record_id, change_type, version, data
        FROM sync_log ORDER BY sequence
        """;

    private const string InsertSql = "INSERT INTO sync_log_checksum (sequence, checksum) VALUES ($sequence, $checksum)";

    /// <summary>Writes the floor's base checksum and one checksum per row, in sequence order.</summary>
    public static void Run(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var state = connection.CreateCommand();
        state.Transaction = transaction;
        state.CommandText = SyncLogStateRow.SelectSql;
        var (_, floor) = SyncLogStateRow.Read(state);

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = InsertSql;
        var sequence = insert.Parameters.Add("$sequence", SqliteType.Integer);
        var checksum = insert.Parameters.Add("$checksum", SqliteType.Blob);
        insert.Prepare();

        var previous = SyncLogChecksum.Zero;
        sequence.Value = floor;
        checksum.Value = previous.ToArray();
        insert.ExecuteNonQuery();

        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = SelectRowsSql;
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            var at = reader.GetInt64(0);
            previous = ChecksumChain.Next(previous, at, reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetInt64(6), reader.GetString(7));
            sequence.Value = at;
            checksum.Value = previous.ToArray();
            insert.ExecuteNonQuery();
        }
    }
}
