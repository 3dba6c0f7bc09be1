using Microsoft.Data.Sqlite;

namespace SyncLog.Storage.Schema;

/// <summary>Brings a file's schema up to date, one transaction per step, tracked in <c>PRAGMA user_version</c>.</summary>
internal static class Migrator
{
    /// <summary>Applies every step above the file's version up to <paramref name="targetVersion"/>.</summary>
    /// <exception cref="SyncLogSchemaException">The file is newer than this build; nothing is changed.</exception>
    public static void Migrate(SqliteConnection connection, string filePath, int? targetVersion = null)
    {
        var target = targetVersion ?? Migrations.LatestVersion;
        var current = ThrowIfNewerThanKnown(connection, filePath);
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

    public static long ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)command.ExecuteScalar()!;
    }

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

        command.CommandText = $"PRAGMA user_version = {migration.Version}";
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}
