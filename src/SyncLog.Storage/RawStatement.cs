using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SyncLog.Storage;

/// <summary>
/// A statement prepared on a connection's own SQLite handle and bound from spans, without the reader, binding pass and
/// UTF-16 to UTF-8 copies Microsoft.Data.Sqlite makes on every execution: for the writer's per-row inserts, where
/// those cost more than SQLite itself. It runs inside whatever transaction the connection has open.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement));
    }

    /// <summary>Binds the 1-based parameter <paramref name="index"/> to an integer.</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Binds a text parameter to UTF-8 bytes (SQLite copies them; an empty span binds the empty text, not NULL).</summary>
    public void BindText(int index, ReadOnlySpan<byte> utf8) =>
        Check(utf8.IsEmpty ? raw.sqlite3_bind_text(_statement, index, string.Empty) : raw.sqlite3_bind_text(_statement, index, utf8));

    /// <summary>Binds a text parameter to a string.</summary>
    public void BindText(int index, string text) => Check(raw.sqlite3_bind_text(_statement, index, text));

    /// <summary>Binds a blob parameter (SQLite copies the bytes).</summary>
    public void BindBlob(int index, ReadOnlySpan<byte> bytes) => Check(raw.sqlite3_bind_blob(_statement, index, bytes));

    /// <summary>Runs a statement that returns no rows, then resets it for the next bindings.</summary>
    /// <exception cref="SqliteException">SQLite refused the statement (a constraint, a full disk...).</exception>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
            Check(rc);
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
    }
}
