using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SyncLog.Storage.Schema;

/// <summary>Brings a file's schema up to date, one transaction per step, tracked in <c>PRAGMA user_version</c>.</summary>
internal static class Migrator
{
    // auto_vacuum = INCREMENTAL: freed pages can be handed back to the file system by PRAGMA incremental_vacuum.
    private const long IncrementalAutoVacuum = 2;

    private const string FirstRowWithNullSql = """
        SELECT sequence FROM sync_log
        WHERE device_id IS NULL OR timestamp IS NULL OR model_type IS NULL OR record_id IS NULL
           OR change_type IS NULL OR data IS NULL
        ORDER BY sequence LIMIT 1
        """;

    /// <summary>Applies every step above the file's version up to <paramref name="targetVersion"/>.</summary>
    /// <exception cref="SyncLogSchemaException">The file is newer than this build; nothing is changed.</exception>
    /// <exception cref="SyncLogOpenException">The rows cannot take the declared schema; nothing is changed.</exception>
    public static void Migrate(SqliteConnection connection, string filePath, int? targetVersion = null)
    {
        var target = targetVersion ?? Migrations.LatestVersion;
        var current = ThrowIfNewerThanKnown(connection, filePath);
        if (target >= Migrations.V3NotNullColumns.Version)
            ThrowIfNotMigratable(connection, filePath, current);
        foreach (var migration in Migrations.All.Where(m => m.Version > current && m.Version <= target))
            Apply(connection, migration);
    }

    /// <summary>Returns the file's schema version, refusing one newer than this build before anything is written.</summary>
    public static long ThrowIfNewerThanKnown(SqliteConnection connection, string filePath)
    {
        var current = ReadVersion(connection);
        if (current > Migrations.LatestVersion)
            throw new SyncLogSchemaException(filePath, current, Migrations.LatestVersion);
        return current;
    }

    /// <summary>
    /// Refuses, before anything is written, a file below v3 whose rows hold a NULL that the v3 schema forbids
    /// (no build of this library writes one; some other writer did), naming the first such sequence.
    /// </summary>
    public static void ThrowIfNotMigratable(SqliteConnection connection, string filePath, long version)
    {
        if (version is < 1 or >= 3)
            return;
        using var command = connection.CreateCommand();
        command.CommandText = FirstRowWithNullSql;
        if (command.ExecuteScalar() is long sequence)
            throw new SyncLogOpenException(filePath,
                $"sync log '{filePath}' cannot be upgraded to schema version 3: the entry at sequence {sequence} has an empty (NULL) column; " +
                "every column but id and version must hold a value. The file was left unchanged");
    }

    /// <summary>
    /// Sets <c>auto_vacuum = INCREMENTAL</c> on a file that has no tables yet, where it takes effect at once.
    /// </summary>
    public static void PrepareNewFile(SqliteConnection connection)
    {
        if (ReadVersion(connection) == 0 && Scalar(connection, "SELECT COUNT(*) FROM sqlite_master") == 0)
            Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL");
    }

    /// <summary>
    /// The last part of the v3 upgrade, outside its transaction because <c>VACUUM</c> cannot run in one: switches the
    /// file to <c>auto_vacuum = INCREMENTAL</c>, which on an existing file only takes effect through a full
    /// <c>VACUUM</c> (a rewrite of the whole file, once). Does nothing when already done, so a crash between the
    /// v3 commit and here is finished by the next open.
    /// </summary>
    public static void EnsureIncrementalAutoVacuum(SqliteConnection connection)
    {
        if (ReadVersion(connection) < Migrations.V3NotNullColumns.Version
            || Scalar(connection, "PRAGMA auto_vacuum") == IncrementalAutoVacuum)
            return;
        Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL");
        Execute(connection, "VACUUM");
    }

    public static long ReadVersion(SqliteConnection connection) => Scalar(connection, "PRAGMA user_version");

    // user_version lives in the file header and is written inside the same transaction,
    // so a crash mid-step leaves the file at the previous version with none of the step applied.
    private static void Apply(SqliteConnection connection, Migration migration)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        foreach (var statement in migration.Statements)
        {
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }

        migration.Backfill?.Invoke(connection, transaction);
        command.CommandText = $"PRAGMA user_version = {migration.Version}";
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
