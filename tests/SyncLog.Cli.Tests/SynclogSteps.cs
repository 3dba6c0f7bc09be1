using System.Globalization;

namespace SyncLog.Cli.Tests;

/// <summary>The steps many command specs take before the command they are about, each asserting that it worked.</summary>
internal static class SynclogSteps
{
    /// <summary>Declares this device the leader of <paramref name="library"/> at <paramref name="term"/>.</summary>
    public static void Lead(this Synclog cli, string library, int term = 1)
    {
        var run = cli.Run("lead", "--library", library, "--term", term.ToString(CultureInfo.InvariantCulture));
        Assert.True(run.ExitCode == 0, run.Stderr);
    }

    /// <summary>The latest sequence of <paramref name="library"/>, as <c>synclog latest</c> prints it.</summary>
    public static long Latest(this Synclog cli, string library)
    {
        var run = cli.Run("latest", "--library", library);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return long.Parse(run.Stdout.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Writes <paramref name="lines"/> to a new file in the data dir (created if need be) and returns its path.</summary>
    public static string WriteFile(this Synclog cli, params string[] lines)
    {
        Directory.CreateDirectory(cli.DataDir);
        var file = Path.Combine(cli.DataDir, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(file, lines);
        return file;
    }

    /// <summary>Exports <paramref name="library"/> after <paramref name="since"/> to a new file in the data dir and returns its path.</summary>
    public static string ExportTo(this Synclog cli, string library, string since)
    {
        var file = Path.Combine(cli.DataDir, Guid.NewGuid().ToString("N") + ".jsonl");
        var run = cli.Run("export", "--library", library, "--since", since, "-o", file);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return file;
    }
}
