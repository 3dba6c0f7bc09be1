using System.Diagnostics;

namespace SyncLog.Storage.Tests;

/// <summary>Runs the <c>sqlite3</c> command-line shell, the tool a user would reach for to inspect a log file.</summary>
public static class Sqlite3Cli
{
    public static string Run(string dbPath, string command)
    {
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dbPath);
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"sqlite3 failed ({process.ExitCode}): {error}");
        return output.Trim();
    }
}
