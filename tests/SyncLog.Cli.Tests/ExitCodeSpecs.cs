using Akka.Configuration;
using SyncLog.Actors;

namespace SyncLog.Cli.Tests;

public sealed class ExitCodeSpecs : IDisposable
{
    private readonly Synclog _cli = new();
    private readonly string _library = Guid.NewGuid().ToString();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("fetch")]
    [InlineData("fetch", "--library", "not-a-guid")]
    [InlineData("fetch", "--library", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "--limit", "0")]
    [InlineData("append", "--library", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "--device", "d", "--model", "tag", "--record", "r", "--change", "upsert", "--data", "{}")]
    [InlineData("append", "--library", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "--device", "d", "--model", "tag", "--record", "r", "--change", "insert")]
    [InlineData("vacuum", "--library", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "--older-than", "a month")]
    [InlineData("no-such-command")]
    public void Bad_arguments_get_one_line_on_stderr_and_exit_code_2(params string[] args)
    {
        var run = _cli.Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("synclog: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_data_is_a_bad_argument_and_nothing_is_written()
    {
        Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "1").ExitCode);

        var run = _cli.Run("append", "--library", _library, "--device", "d", "--model", "tag", "--record", "r",
            "--change", "insert", "--data", "{oops");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("valid JSON", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("0", _cli.Run("latest", "--library", _library).Stdout.Trim());
    }

    [Fact]
    public void Appending_without_leadership_is_a_refusal_with_exit_code_1()
    {
        var run = _cli.Run("append", "--library", _library, "--device", "d", "--model", "tag", "--record", "r",
            "--change", "insert", "--data", "{}");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not lead", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stale_term_is_a_refusal_with_exit_code_1()
    {
        Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "5").ExitCode);

        var run = _cli.Run("lead", "--library", _library, "--term", "4", "--leader", "phone");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("term 4 is older than library " + _library + "'s current term 5 (laptop leads)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_to_a_data_dir_in_use_by_another_host_is_refused_with_exit_code_1()
    {
        await using var running = SyncLogHost.Start(ConfigurationFactory.ParseString(
            $"synclog.data-dir = {SyncLogConfig.Quote(_cli.DataDir)}\nsynclog.data-dir-env = \"\"\nakka.loglevel = OFF\nakka.stdout-loglevel = OFF"));

        var run = _cli.Run("lead", "--library", _library, "--term", "1");
        var demo = _cli.Run("demo");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already used by another SyncLogHost", run.Stderr, StringComparison.Ordinal);
        // Only the error: no note about what the demo would have written, and nothing on stdout.
        BadInputSpecs.AssertOneLine(demo, 1, "already used by another SyncLogHost");
        Assert.Equal("", demo.Stdout);
    }

    [Fact]
    public void The_demo_runs_to_completion_verifies_itself_and_warns_which_data_dir_it_writes()
    {
        var run = _cli.Run("demo");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains($"the demo wrote a library into {_cli.DataDir}; use --temp", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("demo verified", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_refuses_temp_with_an_explicit_data_dir_and_writes_nowhere()
    {
        var run = _cli.Run("demo", "--temp");

        BadInputSpecs.AssertOneLine(run, 2, "--temp does not apply with --data-dir");
        Assert.Equal("", run.Stdout);
        Assert.False(Directory.Exists(_cli.DataDir) && Directory.EnumerateFileSystemEntries(_cli.DataDir).Any());
    }

    [Theory]
    [InlineData("nas: a separate")]
    [InlineData("producers appended 1000 changes to the laptop")]
    public void An_interrupted_temp_demo_stops_its_hosts_before_it_removes_its_temp_dir(string printed)
    {
        var temp = Path.Combine(_cli.DataDir, "tmp");
        Directory.CreateDirectory(temp);

        var run = Synclog.InterruptAfterWithTempDir(printed, temp, "demo", "--temp");

        BadInputSpecs.AssertOneLine(run, 1, "interrupted (Ctrl-C)");
        // A host still running after the removal would create its folders again; the NAS process is gone too.
        Assert.Empty(Directory.EnumerateDirectories(temp, "synclog-demo-*"));
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcesses(), p => CommandLine(p).Contains(temp, StringComparison.Ordinal));
    }

    [Fact]
    public void The_demo_keeps_a_follower_process_current_over_the_network_through_the_fail_over()
    {
        var run = _cli.Run("demo", "--json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(run.Stdout);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("what").GetString()!, c => c.GetProperty("passed").GetBoolean());
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean(), run.Stdout);
        var nas = checks.Where(c => c.Key.StartsWith("nas", StringComparison.Ordinal)).ToList();
        Assert.Contains(new KeyValuePair<string, bool>("nas followed the new leader after fail-over", true), nas);
        Assert.Contains(new KeyValuePair<string, bool>("nas (separate process, over the network): identical to the phone's log", true), nas);
        Assert.Contains(nas, c => c.Key.StartsWith("nas caught up to the phone's latest sequence", StringComparison.Ordinal) && c.Value);
        Assert.Contains(nas, c => c.Key.StartsWith("nas (separate process, over the network): latest sequence is", StringComparison.Ordinal) && c.Value);
        // The follower process mirrored into its own data dir, and was stopped before the demo ended.
        Assert.True(Directory.Exists(Path.Combine(_cli.DataDir, "demo-devices", "nas", "libraries")));
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcesses(), p => CommandLine(p).Contains(_cli.DataDir, StringComparison.Ordinal));
    }

    private static string CommandLine(System.Diagnostics.Process process)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
