using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>The one row of <c>sync_log_state</c>: the high-water sequence and the vacuum floor, read the same way everywhere.</summary>
internal static class SyncLogStateRow
{
    public const string SelectSql =
        "SELECT latest_sequence, vacuumed_through_sequence FROM sync_log_state WHERE id = 1";

    public static (long Latest, long VacuumedThrough) Read(SqliteCommand select)
    {
        using var reader = select.ExecuteReader();
        if (!reader.Read())
            throw new InvalidOperationException("sync_log_state has no row; the schema migration did not run");
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
