namespace SyncLog.Cli.Tests;

/// <summary><c>synclog follow</c>: bad input exits 2 with one clear line before anything starts or is created.</summary>
public sealed class FollowCommandSpecs : IDisposable
{
    private const string Library = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    private const string Gateway = "akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway";
    private readonly Synclog _cli = new();

    public void Dispose()
    {
        if (Directory.Exists(_cli.DataDir))
            Directory.Delete(_cli.DataDir, recursive: true);
    }

    [Theory]
    [InlineData("--leader must be a served leader's gateway address", "--library", Library, "--leader", "nonsense")]
    [InlineData("--leader must be a served leader's gateway address", "--library", Library, "--leader", "http://127.0.0.1:4053/user/synclog-gateway")]
    [InlineData("--leader must be a served leader's gateway address", "--library", Library, "--leader", "akka.tcp://synclog@127.0.0.1/user/synclog-gateway")]
    [InlineData("has port 99999; a served leader's port is between 1 and 65535", "--library", Library, "--leader", "akka.tcp://synclog@127.0.0.1:99999/user/synclog-gateway")]
    [InlineData("has port 0; a served leader's port is between 1 and 65535", "--library", Library, "--leader", "akka.tcp://synclog@127.0.0.1:0/user/synclog-gateway")]
    [InlineData("is served over TLS (akka.ssl.tcp); add --tls-certificate", "--library", Library, "--leader", "akka.ssl.tcp://synclog@127.0.0.1:4053/user/synclog-gateway")]
    [InlineData("--library must be a library UUID", "--library", "banana", "--leader", Gateway)]
    [InlineData("--library must be a library's UUID, not the empty UUID", "--library", "00000000-0000-0000-0000-000000000000", "--leader", Gateway)]
    [InlineData("--leader", "--library", Library)]
    [InlineData("--device-id must not be empty", "--library", Library, "--leader", Gateway, "--device-id", " ")]
    [InlineData("--tls-password and --tls-allow-peer only apply with --tls-certificate", "--library", Library, "--leader", Gateway, "--tls-password", "x")]
    [InlineData("--leader must be a served leader's gateway address", "--library", Library, "--leader", Gateway, "--leader", "nonsense")]
    [InlineData("--leader " + Gateway + " is given twice", "--library", Library, "--leader", Gateway, "--leader", Gateway)]
    [InlineData("--bind-host must be a host name or IP address, got 'not a host'", "--library", Library, "--leader", Gateway, "--bind-host", "not a host")]
    [InlineData("--public-host must be a host name or IP address, got 'not a host'", "--library", Library, "--leader", Gateway, "--public-host", "not a host")]
    [InlineData("--bind-host 0.0.0.0 listens on every address; add --public-host", "--library", Library, "--leader", Gateway, "--bind-host", "0.0.0.0")]
    [InlineData("--leader akka.tcp://synclog@127.0.0.1:4053/user/synclog-gatway names no synclog gateway; synclog serve prints its gateway as " + Gateway,
        "--library", Library, "--leader", "akka.tcp://synclog@127.0.0.1:4053/user/synclog-gatway")]
    [InlineData("--leader akka.tcp://laptop@127.0.0.1:4053/user/synclog names no synclog gateway; synclog serve prints its gateway as akka.tcp://laptop@127.0.0.1:4053/user/synclog-gateway",
        "--library", Library, "--leader", "akka.tcp://laptop@127.0.0.1:4053/user/synclog")]
    [InlineData("names no synclog gateway; synclog serve prints its gateway as akka.ssl.tcp://synclog@nas:4053/user/synclog-gateway",
        "--library", Library, "--leader", "akka.ssl.tcp://synclog@nas:4053/user/synclog-gateway/extra")]
    public void Bad_follow_arguments_exit_2_with_one_line_and_create_nothing(string expected, params string[] args)
    {
        var run = _cli.Run(["follow", .. args]);

        BadInputSpecs.AssertOneLine(run, 2, expected);
        Assert.Equal("", run.Stdout);
        Assert.False(Directory.Exists(_cli.DataDir));
    }

    [Fact]
    public void Tail_through_a_leader_refuses_an_address_that_names_no_gateway_too()
    {
        var run = Synclog.RunExactly("tail", "--library", Library, "--follow", "--leader", "akka.tcp://synclog@127.0.0.1:4053/user/gateway");

        BadInputSpecs.AssertOneLine(run, 2, "--leader akka.tcp://synclog@127.0.0.1:4053/user/gateway names no synclog gateway; synclog serve prints its gateway as " + Gateway);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Follow_advertising_a_public_host_on_a_loopback_bind_warns_on_stderr_and_still_runs()
    {
        using var nobody = new UnusedPort();
        using var follow = new SynclogProcess("follow", "--data-dir", _cli.DataDir, "--host-device", "nas", "--library", Library,
            "--leader", nobody.Gateway, "--public-host", "nas.example.com");

        var warning = await follow.WaitForErrorLine("synclog: warning: ", Patience);
        await follow.WaitForLine("reconnecting (attempt 1)", Patience);

        Assert.Equal(0, await follow.Interrupt(Patience));
        Assert.Equal("synclog: warning: --bind-host 127.0.0.1 is loopback, so peers on other machines cannot connect to --public-host nas.example.com; "
                     + "add --bind-host 0.0.0.0 (or an address they reach) to accept them", warning);
    }

    [Fact]
    public void Follow_needs_a_data_dir_named_on_the_command_line_that_is_not_a_file()
    {
        var missing = Synclog.RunExactly("follow", "--library", Library, "--leader", Gateway);
        Directory.CreateDirectory(_cli.DataDir);
        var file = Path.Combine(_cli.DataDir, "a-file");
        File.WriteAllText(file, "x");
        var aFile = Synclog.RunIn(file, "follow", "--library", Library, "--leader", Gateway);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("follow needs --data-dir", missing.Stderr, StringComparison.Ordinal);
        // Like every other command: a data dir that is a file is refused by the data dir (1), not a bad argument.
        BadInputSpecs.AssertOneLine(aFile, 1, $"'{file}' is a file, not a directory");
    }

    [Fact]
    public async Task Follow_with_exit_with_parent_stops_by_itself_with_0_once_that_process_is_gone()
    {
        using var parent = System.Diagnostics.Process.Start("sleep", "600");
        // Nothing serves this port: follow keeps looking for its leader until its parent is gone.
        using var nobody = new UnusedPort();
        using var follow = new SynclogProcess("follow", "--data-dir", _cli.DataDir, "--host-device", "nas", "--library", Library,
            "--leader", nobody.Gateway, "--exit-with-parent", parent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await follow.WaitForLine("reconnecting (attempt 1)", Patience);

        parent.Kill();
        var exitCode = await follow.Exit(TimeSpan.FromMinutes(3));

        Assert.True(parent.HasExited);
        Assert.True(exitCode == 0, $"exit {exitCode}, stderr: {follow.Stderr}");
        Assert.Contains($"synclog: process {parent.Id}, which started this one, is gone; stopping", follow.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_config_is_the_one_line_even_when_the_parent_is_already_gone()
    {
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        Directory.CreateDirectory(_cli.DataDir);
        var config = Path.Combine(_cli.DataDir, "follow.hocon");
        File.WriteAllText(config, "synclog.follower.max-replicate-rows = 0");

        var follower = Path.Combine(_cli.DataDir, "follower");

        var run = Synclog.RunIn(follower, "follow", "--library", Library, "--leader", Gateway, "--config", config,
            "--exit-with-parent", gone.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        BadInputSpecs.AssertOneLine(run, 2, "synclog.follower.max-replicate-rows must be between 1 and 100000, got 0");
        Assert.Equal("", run.Stdout);
        Assert.False(Directory.Exists(follower));
    }

    [Fact]
    public async Task A_reconnect_delay_below_a_second_is_shown_in_milliseconds_not_as_0s()
    {
        Directory.CreateDirectory(_cli.DataDir);
        var config = Path.Combine(_cli.DataDir, "backoff.hocon");
        File.WriteAllText(config, "synclog.follower { backoff-min = 300ms, backoff-random-factor = 0 }");
        using var nobody = new UnusedPort();
        using var follow = new SynclogProcess("follow", "--data-dir", Path.Combine(_cli.DataDir, "nas"), "--host-device", "nas",
            "--library", Library, "--leader", nobody.Gateway, "--config", config);

        await follow.WaitForLine("reconnecting (attempt 1) in 300ms: ", Patience);
        await follow.WaitForLine("reconnecting (attempt 2) in 600ms: ", Patience);
        Assert.Equal(0, await follow.Interrupt(Patience));
    }

    [Fact]
    public void Exit_with_parent_naming_no_running_process_exits_2_with_one_line_and_creates_no_data_dir()
    {
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        var pid = gone.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var nobody = new UnusedPort();

        var run = _cli.Run("follow", "--library", Library, "--leader", nobody.Gateway, "--exit-with-parent", pid);

        BadInputSpecs.AssertOneLine(run, 2,
            $"--exit-with-parent {pid}: no process with that id was running when follow started; give the id of the running process that starts follow");
        Assert.Equal("", run.Stdout);
        // Refused before the host starts: the follower's data dir is not even created, let alone locked.
        Assert.False(Directory.Exists(_cli.DataDir));
    }

    [Fact]
    public void Exit_with_parent_must_be_a_process_id()
    {
        var run = _cli.Run("follow", "--library", Library, "--leader", Gateway, "--exit-with-parent", "0");

        BadInputSpecs.AssertOneLine(run, 2, "--exit-with-parent must be a process id (1 or more), got 0");
        Assert.False(Directory.Exists(_cli.DataDir));
    }

    [Fact]
    public async Task A_follower_behind_the_leaders_vacuum_floor_stops_with_1_unless_the_resync_is_approved()
    {
        var library = Guid.NewGuid().ToString();
        var leaderDir = Path.Combine(_cli.DataDir, "leader");
        var followerDir = Path.Combine(_cli.DataDir, "follower");
        Directory.CreateDirectory(leaderDir);
        var entries = Path.Combine(_cli.DataDir, "entries.jsonl");
        File.WriteAllLines(entries, Enumerable.Range(1, 5).Select(i =>
            "{\"device_id\":\"laptop\",\"timestamp\":\"" + (i <= 3 ? "2020-01-01T00:00:00Z" : DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            + "\",\"model_type\":\"tag\",\"record_id\":\"r" + i + "\",\"change_type\":\"insert\",\"data\":{\"n\":" + i + "}}"));
        Assert.Equal(0, Synclog.RunIn(leaderDir, "lead", "--library", library, "--term", "1").ExitCode);
        Assert.Equal(0, Synclog.RunIn(leaderDir, "append", "--library", library, "--file", entries).ExitCode);
        Assert.Equal(0, Synclog.RunIn(leaderDir, "vacuum", "--library", library, "--older-than", "30d").ExitCode);
        // Port 0: the OS picks a free port, so no other spec can take it between choosing and binding.
        using var leader = new SynclogProcess("serve", "--data-dir", leaderDir, "--host-device", "laptop", "--port", "0");
        var gateway = await leader.WaitForGateway(Patience);
        string[] follow = ["follow", "--data-dir", followerDir, "--host-device", "laptop", "--device-id", "phone", "--library", library,
            "--leader", gateway, "--json"];

        using var refused = new SynclogProcess(follow);
        Assert.Equal(1, await refused.Exit(Patience));
        Assert.Contains(refused.Stdout, l => l.Contains("\"event\":\"resync-required\"", StringComparison.Ordinal) && l.Contains("\"leader_vacuum_floor\":3", StringComparison.Ordinal));
        Assert.Contains("leader's floor 3); nothing was skipped", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--approve-resync", refused.Stderr, StringComparison.Ordinal);

        using var approved = new SynclogProcess([.. follow, "--approve-resync"]);
        await approved.WaitForLine("\"event\":\"resynced\"", Patience);
        await approved.WaitForLine("\"event\":\"caught-up\",\"library_id\":\"" + library + "\",\"sequence\":5", Patience);
        Assert.Equal(0, await approved.Interrupt(Patience));
        var export = Synclog.RunIn(followerDir, "export", "--library", library);
        Assert.Equal(0, export.ExitCode);
        Assert.Equal([4, 5], export.Stdout.Trim().Split('\n').Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetInt64()));
    }

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
}
