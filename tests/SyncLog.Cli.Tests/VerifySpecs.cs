using System.Diagnostics;
using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary><c>synclog verify</c>: a whole file's checksum chain, and two data dirs' copies of a library compared.</summary>
public sealed class VerifySpecs : IDisposable
{
    private readonly Synclog _leader = new();
    private readonly Synclog _follower = new();
    private readonly string _library = Guid.NewGuid().ToString();

    public void Dispose()
    {
        _leader.Dispose();
        _follower.Dispose();
    }

    private string FileOf(Synclog cli) => Path.Combine(cli.DataDir, "libraries", _library, "sync.db");

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

    private void Lead(Synclog cli, int term = 1)
    {
        var run = cli.Run("lead", "--library", _library, "--term", term.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(run.ExitCode == 0, run.Stderr);
    }

    [Fact]
    public void A_good_file_verifies_and_a_row_edited_with_sqlite3_is_reported_with_exit_1()
    {
        Lead(_leader);
        ImportSpecs.Append(_leader, _library, 6);

        var good = _leader.Run("verify", "--library", _library);
        Sqlite3(FileOf(_leader), """UPDATE sync_log SET data = '{"n":999}' WHERE sequence = 4""");
        var tampered = _leader.Run("verify", "--library", _library);
        var json = _leader.Run("verify", "--library", _library, "--json");

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
        Lead(_leader);
        ImportSpecs.Append(_leader, _library, 4);
        var mirrored = _follower.Run("replicate", "--library", _library, "--from-data-dir", _leader.DataDir);
        Assert.True(mirrored.ExitCode == 0, mirrored.Stderr);

        var equal = _follower.Run("verify", "--library", _library, "--against", _leader.DataDir);
        ImportSpecs.Append(_leader, _library, 2);
        var behind = _follower.Run("verify", "--library", _library, "--against", _leader.DataDir);
        var ahead = _leader.Run("verify", "--library", _library, "--against", _follower.DataDir, "--json");
        // Split brain: the follower leads for a while and logs its own entry 5.
        Lead(_follower, term: 2);
        ImportSpecs.Append(_follower, _library, 1);
        var diverged = _follower.Run("verify", "--library", _library, "--against", _leader.DataDir);
        var replicate = _follower.Run("replicate", "--library", _library, "--from-data-dir", _leader.DataDir);

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
}
