namespace SyncLog.Cli.Tests;

/// <summary>Every bad input gets one line on stderr and exit 2 (or 1 for an unusable data dir), never a stack trace or a hang.</summary>
public sealed class BadInputSpecs : IDisposable
{
    private const string Library = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    private readonly Synclog _cli = new();

    public BadInputSpecs() => Directory.CreateDirectory(_cli.DataDir);

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("unknown command 'frobnicate'", "frobnicate")]
    [InlineData("--older-than must be between 1s and 36500d, got '999999999d'", "vacuum", "--library", Library, "--older-than", "999999999d")]
    [InlineData("--older-than must be between 1s and 36500d, got '3000000d'", "vacuum", "--library", Library, "--older-than", "3000000d")]
    [InlineData("--older-than must be between 1s and 36500d", "vacuum", "--library", Library, "--older-than", "3000000d", "--dry-run")]
    [InlineData("--interval must be between 1s and 1d, got '999999999d'", "tail", "--library", Library, "--follow", "--interval", "999999999d")]
    [InlineData("--interval must be between 1s and 1d, got '0s'", "tail", "--library", Library, "--follow", "--interval", "0s")]
    [InlineData("--library must be a library UUID", "latest", "--library", "not-a-guid")]
    [InlineData("--term must be a whole number, got 'two'", "lead", "--library", Library, "--term", "two")]
    [InlineData("--library is required", "stats")]
    [InlineData("--limit must be between 1 and 10000, got 0", "fetch", "--library", Library, "--limit", "0")]
    [InlineData("--change must be insert, update, delete or bulk_insert, got 'upsert'", "append", "--library", Library, "--device", "d", "--model", "tag", "--record", "r", "--change", "upsert", "--data", "{}")]
    [InlineData("data must be valid JSON: 'x' is an invalid start of a value", "append", "--library", Library, "--device", "d", "--model", "tag", "--record", "r", "--change", "insert", "--data", "x")]
    [InlineData("--since must be between 0 and 9007199254740991 (2^53-1), got -1", "export", "--library", Library, "--since", "-1")]
    [InlineData("history needs exactly one of", "history", "--library", Library, "--device", "d", "--from", "2026-01-01T00:00:00Z")]
    [InlineData("replicate needs exactly one of", "replicate", "--library", Library)]
    [InlineData("--term must be between 1 and 9007199254740991 (2^53-1), got 0", "replicate", "--library", Library, "--from-file", "x.jsonl", "--term", "0")]
    [InlineData("--library must be a library's UUID, not the empty UUID 00000000-0000-0000-0000-000000000000", "fetch", "--library", "00000000-0000-0000-0000-000000000000")]
    [InlineData("--library must be a library's UUID, not the empty UUID", "latest", "--library", "{00000000-0000-0000-0000-000000000000}")]
    [InlineData("--library is given 2 times; give it once", "stats", "--library", Library, "--library", Library)]
    [InlineData("--since must be between 0 and 9007199254740991 (2^53-1), got 9223372036854775807", "fetch", "--library", Library, "--since", "9223372036854775807")]
    [InlineData("--model and --record go together", "history", "--library", Library, "--model", "tag")]
    [InlineData("--since only applies with --device", "history", "--library", Library, "--from", "2026-01-01T00:00:00Z", "--since", "3")]
    [InlineData("--interval only applies with --follow", "tail", "--library", Library, "--interval", "5s")]
    [InlineData("--config must not be empty", "stats", "--library", Library, "--config", "")]
    [InlineData("--from-file '/nonexistent/export.jsonl' does not exist", "replicate", "--library", Library, "--from-file", "/nonexistent/export.jsonl")]
    [InlineData("--from-data-dir '/nonexistent/leader' does not exist", "replicate", "--library", Library, "--from-data-dir", "/nonexistent/leader")]
    [InlineData("--against '/nonexistent/other' does not exist", "verify", "--library", Library, "--against", "/nonexistent/other")]
    [InlineData("--file '/nonexistent/entries.jsonl' does not exist", "append", "--library", Library, "--file", "/nonexistent/entries.jsonl")]
    public void Bad_arguments_get_one_readable_line_and_exit_code_2(string expected, params string[] args)
    {
        var run = _cli.Run(args);

        AssertOneLine(run, 2, expected);
    }

    [Fact]
    public void A_file_given_as_another_data_dir_is_named_by_its_option_and_changes_nothing()
    {
        var file = Path.Combine(_cli.DataDir, "not-a-data-dir");
        File.WriteAllText(file, "");
        var follower = Path.Combine(_cli.DataDir, "follower");

        AssertOneLine(Synclog.RunIn(follower, "replicate", "--library", Library, "--from-data-dir", file), 2,
            $"--from-data-dir '{file}' is a file, not a data dir");
        AssertOneLine(_cli.Run("verify", "--library", Library, "--against", file), 2, $"--against '{file}' is a file, not a data dir");
        Assert.False(Directory.Exists(follower), "a refused replicate created the follower's data dir");
    }

    [Fact]
    public void Empty_data_dir_and_host_device_are_refused_rather_than_replaced_by_defaults()
    {
        AssertOneLine(Synclog.RunExactly("latest", "--data-dir", ""), 2, "--data-dir must not be empty");
        AssertOneLine(Synclog.RunExactly("latest", "--data-dir", _cli.DataDir, "--library"), 2, "--library needs a value");
        AssertOneLine(Synclog.RunExactly("latest", "--data-dir", _cli.DataDir, "--host-device", " "), 2, "--host-device must not be empty");
    }

    [Fact]
    public void Lead_checks_its_term_and_leader_before_a_host_creates_the_data_dir()
    {
        var fresh = Path.Combine(_cli.DataDir, "fresh");

        AssertOneLine(Synclog.RunIn(fresh, "lead", "--library", Library, "--term", "0"), 2, "--term must be between 1 and 9007199254740991 (2^53-1), got 0");
        AssertOneLine(Synclog.RunIn(fresh, "lead", "--library", Library, "--term", "1", "--leader", " "), 2, "--leader must not be empty");
        Assert.False(Directory.Exists(fresh), "a refused lead created the data dir");
    }

    [Fact]
    public void Export_output_paths_that_cannot_be_written_are_reported_before_anything_runs()
    {
        var missing = Path.Combine(_cli.DataDir, "no-such-dir", "out.jsonl");

        AssertOneLine(_cli.Run("export", "--library", Library, "-o", missing), 2, "does not exist");
        AssertOneLine(_cli.Run("export", "--library", Library, "-o", _cli.DataDir), 2, "is a directory");
        // Not even root may create files in /proc.
        AssertOneLine(_cli.Run("export", "--library", Library, "-o", "/proc/synclog-export.jsonl"), 2, "cannot be written");
    }

    [Fact]
    public void A_data_dir_that_is_a_file_or_cannot_be_created_is_a_refusal_with_one_line()
    {
        var file = Path.Combine(_cli.DataDir, "a-file");
        File.WriteAllText(file, "");

        AssertOneLine(Synclog.RunIn(file, "lead", "--library", Library, "--term", "1"), 1, "is a file, not a directory");
        AssertOneLine(Synclog.RunIn(file, "stats", "--library", Library), 1, "is a file, not a directory");
        AssertOneLine(Synclog.RunIn("/proc/synclog-data", "lead", "--library", Library, "--term", "1"), 1, "is not writable");
    }

    [Fact]
    public void A_config_value_of_the_wrong_kind_is_a_bad_argument()
    {
        var config = Path.Combine(_cli.DataDir, "bad.hocon");
        File.WriteAllText(config, "synclog.retention = banana\n");

        AssertOneLine(_cli.Run("vacuum", "--library", Library, "--config", config), 2, "configuration");
        AssertOneLine(_cli.Run("stats", "--library", Library, "--config", _cli.DataDir), 2, "is a directory");
    }

    [Fact]
    public void A_config_file_that_is_not_readable_hocon_or_lacks_a_value_is_named_without_dotnet_details()
    {
        string Config(byte[] bytes)
        {
            var file = Path.Combine(_cli.DataDir, Guid.NewGuid().ToString("N") + ".hocon");
            File.WriteAllBytes(file, bytes);
            return file;
        }

        string Text(string hocon) => Config(System.Text.Encoding.UTF8.GetBytes(hocon));

        var binary = Config([0xFF, 0xFE, 0x00, (byte)'x']);
        (CliRun Run, string Expected)[] runs =
        [
            (_cli.Run("stats", "--library", Library, "--config", binary), "is not UTF-8 text"),
            (_cli.Run("stats", "--library", Library, "--config", Text("include \"other.conf\"\n")), "includes are not supported"),
            (_cli.Run("stats", "--library", Library, "--config", Text("synclog { retention = \n")), "a synclog setting has no value"),
            (_cli.Run("stats", "--library", Library, "--config", Text("synclog.max-batch-size = lots\n")), "synclog.max-batch-size has a value of the wrong kind, got 'lots'"),
            (_cli.Run("stats", "--library", Library, "--config", Text("synclog.storage.busy-timeout = 0s\n")), "busy timeout must be more than 0"),
        ];

        foreach (var (run, expected) in runs)
        {
            AssertOneLine(run, 2, expected);
            Assert.DoesNotContain("(Parameter", run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Object reference", run.Stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("synclog.max-open-librarie = 3", "unknown setting synclog.max-open-librarie;")]
    [InlineData("synclog { follower { page-size = 10, pagesize = 3 } }", "unknown setting synclog.follower.pagesize;")]
    [InlineData("synclog.follower = 5", "synclog.follower is a section of settings, not one value")]
    [InlineData("synclog = on", "synclog is a section of settings, not one value")]
    [InlineData("synclog.max-open-libraries = 99999999999", "synclog.max-open-libraries is too large a number (of either sign) for this setting, got 99999999999")]
    [InlineData("synclog.max-pending-appends = -99999999999", "synclog.max-pending-appends is too large a number (of either sign) for this setting, got -99999999999")]
    [InlineData("synclog.max-open-libraries = -1", "synclog.max-open-libraries must be 0 (no limit) or at least 1, got -1")]
    [InlineData("synclog.max-open-libraries-wait = 0", "synclog.max-open-libraries-wait must be positive, got 0")]
    [InlineData("synclog.max-pending-appends = 0", "synclog.max-pending-appends must be at least 1, got 0")]
    [InlineData("synclog.max-batch-latency = 2s", "synclog.max-batch-latency-hard must be positive and at least max-batch-latency (2s), got 1s")]
    [InlineData("synclog.follower.ask-timeout = 0", "synclog.follower.ask-timeout must be positive, got 0")]
    [InlineData("synclog.max-batch-latency = -5ms", "synclog.max-batch-latency must not be negative, got '-5ms'")]
    public void A_misspelt_misshapen_or_out_of_range_config_setting_is_named_and_nothing_is_written(string hocon, string expected)
    {
        Directory.CreateDirectory(_cli.DataDir);
        var config = Path.Combine(_cli.DataDir, "bad.hocon");
        File.WriteAllText(config, hocon + "\n");
        var dataDir = Path.Combine(_cli.DataDir, "fresh");

        AssertOneLine(Synclog.RunIn(dataDir, "lead", "--library", Library, "--term", "1", "--config", config), 2, expected);
        Assert.False(Directory.Exists(dataDir), "a refused configuration created the data dir");
    }

    [Fact]
    public void Append_refuses_single_entry_flags_together_with_a_file_and_a_directory_as_the_file()
    {
        var file = Path.Combine(_cli.DataDir, "one.jsonl");
        File.WriteAllText(file, """{"device_id":"d","model_type":"tag","record_id":"r","change_type":"insert","data":{}}""" + "\n");

        AssertOneLine(_cli.Run("append", "--library", Library, "--file", file, "--device", "phone", "--version", "3"), 2,
            "--file takes every field from the file; leave out --device, --version");
        AssertOneLine(_cli.Run("append", "--library", Library, "--file", "/tmp"), 2, "'/tmp' is a directory");
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
        // A data dir of its own: this class's is created up front, and this spec asserts a usage error creates none.
        using var cli = new Synclog();

        var run = cli.Run([.. args.Split(' '), "--library", Library]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"synclog: {message}", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cli.DataDir), "a usage error created the data dir");
    }

    internal static void AssertOneLine(CliRun run, int exitCode, string expected)
    {
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}, stderr: {run.Stderr}");
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("synclog: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", line, StringComparison.Ordinal);
    }
}
