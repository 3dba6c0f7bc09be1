using Microsoft.Data.Sqlite;

namespace SyncLog.Actors.Tests;

/// <summary>
/// An outside write transaction on a library's file: the library's writer waits on SQLite's lock until the hold is
/// released (rolled back), so a write is truly in flight meanwhile.
/// </summary>
public sealed class WriterHold : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    public WriterHold(string libraryFile)
    {
        _connection = Raw.Open(libraryFile);
        _transaction = _connection.BeginTransaction(deferred: false);
    }

    /// <summary>Rolls the outside transaction back: the waiting write goes ahead.</summary>
    public void Release() => _transaction.Rollback();

    public void Dispose()
    {
        _transaction.Dispose();
        _connection.Dispose();
    }
}
