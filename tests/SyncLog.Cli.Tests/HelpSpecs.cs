namespace SyncLog.Cli.Tests;

/// <summary>
/// Each command's <c>--help</c> says what is true for that command: <c>--data-dir</c> is required where the command
/// ignores every default, and a default is shown once, not twice in different words.
/// </summary>
public sealed class HelpSpecs
{
    [Theory]
    [InlineData("follow", "The follower's data dir, created if missing")]
    [InlineData("serve", "The existing data dir to serve")]
    public void Follow_and_serve_help_mark_data_dir_required_and_promise_no_default(string command, string description)
    {
        var line = DataDirLine(command);

        Assert.Contains("--data-dir <data-dir> (REQUIRED)", line, StringComparison.Ordinal);
        Assert.Contains(description, line, StringComparison.Ordinal);
        Assert.DoesNotContain("~/.spacedrive", line, StringComparison.Ordinal);
        Assert.DoesNotContain("(default:", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fetch", "")]
    [InlineData("stats", "")]
    [InlineData("tail", "; not with --leader")]
    [InlineData("demo", "; not with --temp")]
    public void Other_commands_name_the_data_dir_default_in_the_order_it_applies(string command, string restriction)
    {
        var line = DataDirLine(command);

        Assert.DoesNotContain("REQUIRED", line, StringComparison.Ordinal);
        Assert.EndsWith($"Data dir (default: $SYNCLOG_DATA_DIR when set, else synclog.data-dir: ~/.spacedrive){restriction}", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_root_help_names_the_data_dir_default_like_every_command_that_has_one()
    {
        var run = Synclog.RunExactly("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Data dir (default: $SYNCLOG_DATA_DIR when set, else synclog.data-dir: ~/.spacedrive)", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve", "--port", "4053")]
    [InlineData("serve", "--bind-host", "127.0.0.1")]
    [InlineData("follow", "--bind-host", "127.0.0.1")]
    [InlineData("tail", "--bind-host", "127.0.0.1")]
    public void A_default_is_shown_once(string command, string option, string value)
    {
        var line = OptionLine(command, option);

        Assert.EndsWith($"[default: {value}]", line, StringComparison.Ordinal);
        Assert.Equal(1, line.Split(value).Length - 1);
    }

    private static string DataDirLine(string command) => OptionLine(command, "--data-dir");

    private static string OptionLine(string command, string option)
    {
        var run = Synclog.RunExactly(command, "--help");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}, stderr: {run.Stderr}");
        return Assert.Single(run.Stdout.Split('\n'), l => l.TrimStart().StartsWith($"{option} <", StringComparison.Ordinal)).TrimEnd();
    }
}
