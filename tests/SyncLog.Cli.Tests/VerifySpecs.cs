using System.Diagnostics;
using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary><c>synclog verify</c>: a whole file's checksum chain, and two data dirs' copies of a library compared.</summary>
public sealed class VerifySpecs : LeaderFollowerCliSpec
{
    private string FileOf(Synclog cli) => Path.Combine(cli.DataDir, "libraries", Library, "sync.db");

    private static void Sqlite3(string db, string sql)
    {
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardError = true };
        start.ArgumentList.Add(db);
        start.ArgumentList.Add(sql);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }

    [Fact]
    public void A_good_file_verifies_and_a_row_edited_with_sqlite3_is_reported_with_exit_1()
    {
        Leader.Lead(Library);
        ImportSpecs.Append(Leader, Library, 6);

        var good = Leader.Run("verify", "--library", Library);
        Sqlite3(FileOf(Leader), """UPDATE sync_log SET data = '{"n":999}' WHERE sequence = 4""");
        var tampered = Leader.Run("verify", "--library", Library);
        var json = Leader.Run("verify", "--library", Library, "--json");

        Assert.True(good.ExitCode == 0, good.Stderr);
        Assert.StartsWith("chain intact: 6 entries checked, latest sequence 6, head checksum ", good.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, tampered.ExitCode);
        Assert.StartsWith("chain broken at sequence 4: entry 4 does not match its checksum", tampered.Stdout, StringComparison.Ordinal);
        var root = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.False(root.GetProperty("intact").GetBoolean());
        Assert.Equal(4, root.GetProperty("first_broken_sequence").GetInt64());
        Assert.Equal(3, root.GetProperty("checked_entries").GetInt64());
    }

    [Fact]
    public void Two_data_dirs_compare_as_equal_then_prefix_then_diverged()
    {
        Leader.Lead(Library);
        ImportSpecs.Append(Leader, Library, 4);
        var mirrored = Follower.Run("replicate", "--library", Library, "--from-data-dir", Leader.DataDir);
        Assert.True(mirrored.ExitCode == 0, mirrored.Stderr);

        var equal = Follower.Run("verify", "--library", Library, "--against", Leader.DataDir);
        ImportSpecs.Append(Leader, Library, 2);
        var behind = Follower.Run("verify", "--library", Library, "--against", Leader.DataDir);
        var ahead = Leader.Run("verify", "--library", Library, "--against", Follower.DataDir, "--json");
        // Split brain: the follower leads for a while and logs its own entry 5.
        Follower.Lead(Library, term: 2);
        ImportSpecs.Append(Follower, Library, 1);
        var diverged = Follower.Run("verify", "--library", Library, "--against", Leader.DataDir);
        var replicate = Follower.Run("replicate", "--library", Library, "--from-data-dir", Leader.DataDir);

        Assert.True(equal.ExitCode == 0, equal.Stderr);
        Assert.StartsWith("equal: both end at sequence 4 with checksum ", equal.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, behind.ExitCode);
        Assert.Contains("(latest 4) is a prefix of", behind.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, ahead.ExitCode);
        var json = JsonDocument.Parse(ahead.Stdout).RootElement;
        Assert.Equal("prefix", json.GetProperty("relation").GetString());
        Assert.Equal(4, json.GetProperty("at_sequence").GetInt64());
        Assert.Equal(6, json.GetProperty("latest_sequence").GetInt64());
        Assert.Equal(4, json.GetProperty("other_latest_sequence").GetInt64());
        Assert.Equal(1, diverged.ExitCode);
        Assert.Equal("diverged at or before sequence 5", diverged.Stdout.Trim());
        Assert.NotEqual(0, replicate.ExitCode);
    }

    [Fact]
    public void Verify_failures_put_one_line_on_stderr_and_verify_against_its_own_data_dir_is_refused()
    {
        Leader.Lead(Library);
        ImportSpecs.Append(Leader, Library, 3);
        Sqlite3(FileOf(Leader), """UPDATE sync_log SET data = '{"n":999}' WHERE sequence = 2""");

        var text = Leader.Run("verify", "--library", Library);
        var json = Leader.Run("verify", "--library", Library, "--json");
        var itself = Leader.Run("verify", "--library", Library, "--against", Leader.DataDir);

        Assert.Equal(1, text.ExitCode);
        Assert.StartsWith("chain broken at sequence 2", text.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("synclog: chain broken at sequence 2", text.Stderr, StringComparison.Ordinal);
        Assert.Single(text.Stderr.TrimEnd().Split('\n'));
        Assert.Equal(1, json.ExitCode);
        var error = JsonDocument.Parse(json.Stderr).RootElement;
        Assert.StartsWith("chain broken at sequence 2", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, error.GetProperty("exit_code").GetInt32());
        Assert.Equal(2, itself.ExitCode);
        Assert.Contains("--against is the data dir itself", itself.Stderr, StringComparison.Ordinal);
    }
}
