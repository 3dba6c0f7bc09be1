using Microsoft.Data.Sqlite;

namespace SyncLog.Storage;

/// <summary>
/// Tells whether an existing file is a SQLite database SQLite can read, without changing it. For files this layer does
/// not own (the host's leadership database), whose users would otherwise fail silently on damage.
/// </summary>
public static class SqliteFileProbe
{
    /// <summary>Null when <paramref name="filePath"/> is missing or a readable SQLite database; otherwise what is wrong with it.</summary>
    public static string? ProblemWith(string filePath)
    {
        if (Directory.Exists(filePath))
            return $"'{filePath}' is a folder, not a database file";
        if (!File.Exists(filePath))
            return null;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = filePath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            // Reading the schema is what fails on a file that is not a database or is truncated; quick_check then
            // looks at every page without the cost of a full integrity check.
            command.CommandText = "PRAGMA quick_check(1)";
            var result = command.ExecuteScalar() as string;
            return result == "ok" ? null : $"'{filePath}' is damaged: {result}";
        }
        catch (SqliteException e)
        {
            return $"'{filePath}' cannot be read as a SQLite database: {e.Message}";
        }
    }
}
