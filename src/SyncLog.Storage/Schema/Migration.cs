using Microsoft.Data.Sqlite;

namespace SyncLog.Storage.Schema;

/// <summary>One numbered, shipped schema step; never edited once released, only followed by a new one.</summary>
/// <param name="Version">The <c>PRAGMA user_version</c> the file has after this step.</param>
/// <param name="Description">What the step changes, for logs and docs.</param>
/// <param name="Statements">DDL/DML run in order inside the step's transaction.</param>
/// <param name="Backfill">Code run after the statements, in the same transaction (data SQL alone cannot compute).</param>
internal sealed record Migration(int Version, string Description, IReadOnlyList<string> Statements,
    Action<SqliteConnection, SqliteTransaction>? Backfill = null);
