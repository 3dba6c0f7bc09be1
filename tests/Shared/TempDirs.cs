using Microsoft.Data.Sqlite;

namespace SyncLog.Tests;

/// <summary>
/// Removes a spec's temp data dir once every pooled SQLite connection to its files is closed. One source file, linked
/// into each test project.
/// </summary>
internal static class TempDirs
{
    public static void Remove(string dir)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner if a file is still held.
        }
    }
}
