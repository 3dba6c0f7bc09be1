using Microsoft.Data.Sqlite;

namespace SyncLog.Storage.Schema;

/// <summary>
/// The log's identity (<c>sync_log_identity.log_id</c>): a random GUID given once, when the file reaches v6. A device
/// that wipes or recreates its <c>sync.db</c> gets a new one, which is how a leader tells its acknowledgements apart
/// from the ones its earlier log sent.
/// </summary>
internal static class LogIdentity
{
    private const string InsertSql = "INSERT INTO sync_log_identity (id, log_id) VALUES (1, $log_id)";

    private const string SelectSql = "SELECT log_id FROM sync_log_identity WHERE id = 1";

    /// <summary>Gives the file its identity, inside the v6 migration's transaction.</summary>
    public static void Create(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = InsertSql;
        insert.Parameters.AddWithValue("$log_id", Guid.NewGuid().ToString("D"));
        insert.ExecuteNonQuery();
    }

    /// <summary>Reads the file's identity; the file must be at v6 or later.</summary>
    public static Guid Read(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = SelectSql;
        return select.ExecuteScalar() is string text
            ? Guid.ParseExact(text, "D")
            : throw new InvalidOperationException("sync_log_identity has no row; the schema migration did not run");
    }
}
