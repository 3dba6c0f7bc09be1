using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>Opens connections to a <c>sync.db</c> with the pragmas every connection needs.</summary>
internal static class SqliteConnectionFactory
{
    public static SqliteConnection Open(string filePath, SyncLogDbOptions options, bool readOnly)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            // The log holds its connections for its whole life; pooling would keep the file open after Dispose.
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
            // A negative cache_size is in KiB rather than pages.
            Execute(connection, $"PRAGMA cache_size = -{options.CacheSizeKiB}");
            Execute(connection, options.Synchronous == SynchronousMode.Full
                ? "PRAGMA synchronous = FULL"
                : "PRAGMA synchronous = NORMAL");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Switches the file to WAL journaling (persistent in the file), so the read connection sees committed data
    /// while a write transaction is open. Called after the schema version check, so a refused file is left as it was.
    /// </summary>
    public static void EnableWal(SqliteConnection connection, string filePath)
    {
        var mode = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL"), CultureInfo.InvariantCulture);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new SyncLogOpenException(filePath, $"sync log '{filePath}' could not switch to WAL journaling (got '{mode}')");
    }

    /// <summary>
    /// Caps the file at <paramref name="maxBytes"/> (0: no cap) through <c>max_page_count</c>, so a write that would grow
    /// it further fails with SQLITE_FULL and is rolled back whole. SQLite never sets it below the current size.
    /// </summary>
    public static void LimitFileSize(SqliteConnection connection, long maxBytes)
    {
        if (maxBytes <= 0)
            return;
        var pageSize = Convert.ToInt64(Scalar(connection, "PRAGMA page_size"), CultureInfo.InvariantCulture);
        Execute(connection, $"PRAGMA max_page_count = {Math.Max(1, maxBytes / pageSize)}");
    }

    /// <summary>Sets how many WAL frames make this connection checkpoint after its own commit.</summary>
    public static void SetAutoCheckpoint(SqliteConnection connection, int frames) =>
        Execute(connection, $"PRAGMA wal_autocheckpoint = {frames}");

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
