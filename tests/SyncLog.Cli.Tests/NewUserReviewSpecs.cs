using System.Diagnostics;
using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary>
/// The defects a new user's review found: silent drops, hidden holes, refusals that leave files behind, and exits or
/// wording that disagreed with the README. Each spec fails on the behaviour that was reported.
/// </summary>
public sealed class NewUserReviewSpecs : IDisposable
{
    private readonly Synclog _leader = new();
    private readonly Synclog _follower = new();
    private readonly string _library = Guid.NewGuid().ToString();

    public void Dispose()
    {
        _leader.Dispose();
        _follower.Dispose();
    }

    private static void Lead(Synclog cli, string library, int term = 1)
    {
        var run = cli.Run("lead", "--library", library, "--term", term.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(run.ExitCode == 0, run.Stderr);
    }

    private static long Latest(Synclog cli, string library)
    {
        var run = cli.Run("latest", "--library", library);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return long.Parse(run.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Line(string record, string key, int n = 1) =>
        $$"""{"device_id":"laptop","model_type":"tag","record_id":"{{record}}","change_type":"insert","data":{"n":{{n}}},"idempotency_key":"{{key}}"}""";

    private static string WriteFile(Synclog cli, params string[] lines)
    {
        Directory.CreateDirectory(cli.DataDir);
        var file = Path.Combine(cli.DataDir, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(file, lines);
        return file;
    }

    private string ExportTo(string since)
    {
        var file = Path.Combine(Path.GetTempPath(), "synclog-cli-tests", Guid.NewGuid().ToString("N") + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var run = _leader.Run("export", "--library", _library, "--since", since, "-o", file);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return file;
    }

    [Fact]
    public void An_append_file_repeating_an_idempotency_key_is_refused_naming_both_lines_and_writes_nothing()
    {
        Lead(_leader, _library);
        var different = WriteFile(_leader, Line("a", "k1"), Line("b", "k2"), Line("c", "k1", n: 2));
        var identical = WriteFile(_leader, Line("a", "k1"), Line("a", "k1"));

        var refused = _leader.Run("append", "--library", _library, "--file", different);
        var alsoRefused = _leader.Run("append", "--library", _library, "--file", identical);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("lines 1 and 3 share idempotency_key 'k1'", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, alsoRefused.ExitCode);
        Assert.Contains("lines 1 and 2 share idempotency_key 'k1'", alsoRefused.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Latest(_leader, _library));
    }

    [Fact]
    public void A_replicate_file_that_starts_after_the_local_log_is_refused_and_a_fresh_data_dir_is_left_uncreated()
    {
        Lead(_leader, _library);
        ImportSpecs.Append(_leader, _library, 4);
        var fromTwo = ExportTo("2");

        var intoFresh = _follower.Run("replicate", "--library", _library, "--from-file", fromTwo);

        Assert.Equal(1, intoFresh.ExitCode);
        Assert.Contains("starts at sequence 3 but the local log ends at 0: it would leave a hole", intoFresh.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_follower.DataDir), "a refused replicate created the follower's data dir");
    }

    [Fact]
    public void A_replicate_file_with_a_hole_after_a_non_empty_log_moves_nothing()
    {
        Lead(_leader, _library);
        ImportSpecs.Append(_leader, _library, 2);
        var first = ExportTo("0");
        Assert.Equal(0, _follower.Run("replicate", "--library", _library, "--from-file", first).ExitCode);
        ImportSpecs.Append(_leader, _library, 3);
        var fromThree = ExportTo("3");

        var refused = _follower.Run("replicate", "--library", _library, "--from-file", fromThree);
        var stats = JsonDocument.Parse(_follower.Run("stats", "--library", _library, "--json").Stdout).RootElement;

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("starts at sequence 4 but the local log ends at 2", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("export --since 2", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, Latest(_follower, _library));
        Assert.Equal(2, stats.GetProperty("entries").GetInt64());
    }

    [Fact]
    public void A_replicate_refused_by_the_follower_into_a_fresh_data_dir_removes_what_it_created()
    {
        Lead(_leader, _library);
        ImportSpecs.Append(_leader, _library, 3);
        var lines = File.ReadAllLines(ExportTo("0"));
        // Same sequence and checksum, other content: the follower's chain check refuses the first page.
        lines[1] = lines[1].Replace("\"t-2\"", "\"t-changed\"", StringComparison.Ordinal);
        var tampered = Path.Combine(Path.GetTempPath(), "synclog-cli-tests", Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(tampered, lines);

        var refused = _follower.Run("replicate", "--library", _library, "--from-file", tampered);

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("synclog: ", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_follower.DataDir), "a refused replicate left the data dir it created");
    }

    [Fact]
    public void A_stale_replicate_term_with_nothing_new_is_refused_without_telling_a_follower_to_lead()
    {
        Lead(_leader, _library);
        ImportSpecs.Append(_leader, _library, 2);
        var export = ExportTo("0");
        var atFive = _follower.Run("replicate", "--library", _library, "--from-file", export, "--term", "5");

        var stale = _follower.Run("replicate", "--library", _library, "--from-file", export, "--term", "4");

        Assert.True(atFive.ExitCode == 0, atFive.Stderr);
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("term 4 is older than term 5", stale.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("lead", stale.Stderr.Replace("leads", "", StringComparison.Ordinal).Replace("leader", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_failures_put_one_line_on_stderr_and_verify_against_its_own_data_dir_is_refused()
    {
        Lead(_leader, _library);
        ImportSpecs.Append(_leader, _library, 3);
        var db = Path.Combine(_leader.DataDir, "libraries", _library, "sync.db");
        using (var sqlite = Process.Start("sqlite3", [db, """UPDATE sync_log SET data = '{"n":999}' WHERE sequence = 2"""]))
            sqlite.WaitForExit();

        var text = _leader.Run("verify", "--library", _library);
        var json = _leader.Run("verify", "--library", _library, "--json");
        var itself = _leader.Run("verify", "--library", _library, "--against", _leader.DataDir);

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

    [Fact]
    public void Ctrl_c_ends_tail_follow_with_exit_0_and_nothing_on_stderr()
    {
        Lead(_leader, _library);
        ImportSpecs.Append(_leader, _library, 1);

        var run = _leader.InterruptAfter("t-1", "tail", "--library", _library, "--follow");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void A_failed_export_leaves_no_file_and_a_finished_one_no_temporary_file()
    {
        Lead(_leader, _library);
        var old = DateTimeOffset.UtcNow.AddDays(-40).ToString("O");
        var file = WriteFile(_leader,
            $$"""{"device_id":"laptop","timestamp":"{{old}}","model_type":"tag","record_id":"t-1","change_type":"insert","data":{} }""",
            """{"device_id":"laptop","model_type":"tag","record_id":"t-2","change_type":"insert","data":{}}""");
        Assert.Equal(0, _leader.Run("append", "--library", _library, "--file", file).ExitCode);
        Assert.Equal(0, _leader.Run("vacuum", "--library", _library, "--older-than", "30d").ExitCode);
        var dir = Path.Combine(Path.GetTempPath(), "synclog-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var failed = _leader.Run("export", "--library", _library, "--since", "0", "-o", Path.Combine(dir, "failed.jsonl"));
            var done = _leader.Run("export", "--library", _library, "-o", Path.Combine(dir, "done.jsonl"));

            Assert.Equal(1, failed.ExitCode);
            Assert.Contains("were vacuumed", failed.Stderr, StringComparison.Ordinal);
            Assert.True(done.ExitCode == 0, done.Stderr);
            Assert.Contains("exported 1 entry to", done.Stderr, StringComparison.Ordinal);
            Assert.Equal(["done.jsonl"], Directory.GetFiles(dir).Select(Path.GetFileName));
            Assert.Single(File.ReadAllLines(Path.Combine(dir, "done.jsonl")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("fetch --limit 99999999999", "--limit must be between 1 and 10000, got 99999999999")]
    [InlineData("fetch --since 9223372036854775808", "--since must be between 0 and 9007199254740991 (2^53-1), got 9223372036854775808")]
    [InlineData("lead --term 9223372036854775808", "--term must be between 1 and 9007199254740991 (2^53-1), got 9223372036854775808")]
    [InlineData("lead --term 9007199254740992", "--term must be between 1 and 9007199254740991 (2^53-1), got 9007199254740992")]
    [InlineData("replicate --from-file x --term 9007199254740992", "--term must be between 1 and 9007199254740991 (2^53-1), got 9007199254740992")]
    [InlineData("append --device d --model m --record r --change insert --data {} --version 9007199254740992", "--version must be between 1 and 9007199254740991 (2^53-1), got 9007199254740992")]
    [InlineData("tail -n 0", "--lines must be between 1 and 10000, got 0")]
    public void Numbers_out_of_range_say_the_range_and_exit_2(string args, string message)
    {
        var run = _leader.Run([.. args.Split(' '), "--library", _library]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"synclog: {message}", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_leader.DataDir), "a usage error created the data dir");
    }

    [Fact]
    public void Stats_says_vacuumed_through_0_like_its_json_and_counts_read_1_entry()
    {
        Lead(_leader, _library);
        ImportSpecs.Append(_leader, _library, 1);

        var stats = _leader.Run("stats", "--library", _library);
        var fetch = _leader.Run("fetch", "--library", _library);

        Assert.Matches(@"vacuumed through\s+│?\s*0\b", stats.Stdout);
        Assert.Contains("1 entry; latest sequence 1", fetch.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Latest_of_every_library_lists_the_healthy_ones_and_names_the_unreadable_one()
    {
        var broken = Guid.NewGuid().ToString();
        Lead(_leader, _library);
        Lead(_leader, broken);
        File.WriteAllBytes(Path.Combine(_leader.DataDir, "libraries", broken, "sync.db"), new byte[8192]);

        var run = _leader.Run("latest");
        var json = _leader.Run("latest", "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(_library, run.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("synclog: 1 of 2 libraries could not be read: " + broken, run.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var rows = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(0, rows.Single(r => r.GetProperty("library_id").GetString() == _library).GetProperty("latest_sequence").GetInt64());
        Assert.True(rows.Single(r => r.GetProperty("library_id").GetString() == broken).TryGetProperty("error", out _));
    }
}
