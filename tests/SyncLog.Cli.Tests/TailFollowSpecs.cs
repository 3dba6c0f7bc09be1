using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Tests;

/// <summary>
/// <c>tail --follow</c> pushed by a served host, as real processes: <c>synclog serve</c>, <c>synclog tail</c> and this
/// test's actor system appending through the served gateway. With <c>--leader</c>, or found through the data dir's
/// <c>serve.json</c>; a killed host is reconnected to, a stopped one is replaced by polling, a stale file is ignored.
/// </summary>
public sealed class TailFollowSpecs() : ServedProcessesSpec("synclog-tail-tests")
{
    private readonly Guid _library = Guid.NewGuid();
    private string? _gateway;

    private string DataDir => Path.Combine(Root, "data");

    // Where serve listens: the port it picked the first time, and the same one when it is served again.
    private string Gateway => _gateway ?? throw new InvalidOperationException("the data dir is not served yet");

    private string ServeJson => Path.Combine(DataDir, "serve.json");

    [Fact]
    public async Task Tail_follow_leader_prints_the_last_entries_then_each_entry_the_served_host_commits()
    {
        Lead();
        Import(Fresh(1), Fresh(2), Fresh(3));
        await Serve();
        var tail = Start("tail", "--library", _library.ToString(), "--follow", "--leader", Gateway, "-n", "2", "--json");

        await Until(() => Sequences(tail).LastOrDefault() == 3, tail, "tail prints the last two entries");
        await AppendThroughGateway(2);
        await Until(() => Sequences(tail).LastOrDefault() == 5, tail, "tail prints the two appended through the served host");

        Assert.Equal([2L, 3, 4, 5], Sequences(tail));
        Assert.Equal(0, await tail.Interrupt(Patience));
        Assert.Equal("", tail.Stderr);
    }

    [Fact]
    public async Task Tail_follow_on_a_served_data_dir_is_pushed_each_commit_without_polling()
    {
        Lead();
        Import(Fresh(1));
        await Serve();
        // A day between polls: whatever arrives within the test was pushed.
        var tail = Start("tail", "--library", _library.ToString(), "--follow", "--interval", "1d", "--data-dir", DataDir, "--verbose", "--json");

        await tail.WaitForErrorLine($"synclog: entries pushed by the served host at {Gateway} ({ServeJson})", Patience);
        await Until(() => Sequences(tail).LastOrDefault() == 1, tail, "tail prints the entry already there");
        await AppendThroughGateway(3);
        await Until(() => Sequences(tail).LastOrDefault() == 4, tail, "tail prints the three appended after it started");

        Assert.Equal([1L, 2, 3, 4], Sequences(tail));
        Assert.Equal(0, await tail.Interrupt(Patience));
        Assert.DoesNotContain("polling", tail.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_follow_on_a_served_data_dir_polls_from_where_it_was_once_serve_stops()
    {
        Lead();
        var serve = await Serve();
        var tail = Start("tail", "--library", _library.ToString(), "--follow", "--interval", "1s", "--data-dir", DataDir, "--json");
        await AppendThroughGateway(2);
        await Until(() => Sequences(tail).LastOrDefault() == 2, tail, "tail prints what the served host commits");

        Assert.Equal(0, await serve.Interrupt(Patience));
        await tail.WaitForErrorLine($"synclog: lost the served host at {Gateway}", Patience);
        Assert.Contains("polling the data dir every 1s", tail.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(ServeJson), "serve removes its serve.json when it stops");
        // The data dir is free again: a write command appends, and the tail polls it from the file.
        Import(Fresh(3));
        await Until(() => Sequences(tail).LastOrDefault() == 3, tail, "tail polls the entry appended after serve stopped");

        Assert.Equal([1L, 2, 3], Sequences(tail));
        Assert.False(tail.HasExited);
        Assert.Equal(0, await tail.Interrupt(Patience));
    }

    [Fact]
    public async Task Tail_follow_leader_says_once_that_a_killed_host_went_away_and_goes_on_when_it_is_served_again()
    {
        Lead();
        var serve = await Serve();
        var config = Path.Combine(Root, "tail.conf");
        File.WriteAllText(config, "synclog.follower.backoff-max = 1s\n");
        var tail = Start("tail", "--library", _library.ToString(), "--follow", "--leader", Gateway, "--config", config, "--json");
        await AppendThroughGateway(2);
        await Until(() => Sequences(tail).LastOrDefault() == 2, tail, "tail prints what the served host commits");

        await serve.KillHard(Patience);
        // Nothing ends the subscription of a killed host: Akka.Remote's failure detector finds it gone.
        await tail.WaitForErrorLine($"synclog: lost the served host at {Gateway} (it stopped or cannot be reached); reconnecting", Patience);
        await Serve();
        await AppendThroughGateway(2);
        await Until(() => Sequences(tail).LastOrDefault() == 4, tail, "tail prints what the host commits once it is served again");

        Assert.Equal([1L, 2, 3, 4], Sequences(tail));
        Assert.Single(tail.Stderr.Split('\n'), l => l.Contains("lost the served host", StringComparison.Ordinal));
        Assert.Equal(0, await tail.Interrupt(Patience));
    }

    [Fact]
    public async Task Tail_follow_leader_says_its_library_was_closed_for_another_under_max_open_libraries_and_goes_on()
    {
        Lead();
        Import(Fresh(1));
        var config = Path.Combine(Root, "one-open-library.conf");
        File.WriteAllText(config, "synclog.max-open-libraries = 1\n");
        await ServeWith("--config", config);
        var tail = Start("tail", "--library", _library.ToString(), "--follow", "--leader", Gateway, "--json");
        await Until(() => Sequences(tail).LastOrDefault() == 1, tail, "tail prints the entry already there");

        // Another library takes the only slot: the tailed one is closed whatever subscribers it has, which ends them.
        var gateway = await ResolveGateway(Gateway);
        Assert.IsType<LibraryNotFound>(await gateway.Ask<object>(new GetLatestSequence(Guid.NewGuid()), Patience));
        await tail.WaitForErrorLine(
            $"synclog: lost the served host at {Gateway} (its library stopped: the host is shutting down, or closed the library to free a slot for another under synclog.max-open-libraries); reconnecting",
            Patience);
        await AppendThroughGateway(1);
        await Until(() => Sequences(tail).LastOrDefault() == 2, tail, "tail subscribes again and prints what the host commits");

        Assert.Equal([1L, 2], Sequences(tail));
        Assert.Equal(0, await tail.Interrupt(Patience));
    }

    [Fact]
    public async Task Tail_follow_leader_goes_on_past_entries_the_served_host_vacuumed()
    {
        Lead();
        var old = DateTimeOffset.UtcNow.AddDays(-40);
        Import([.. Enumerable.Range(1, 5).Select(i => Entry(i, old)), Fresh(6), Fresh(7), Fresh(8)]);
        Assert.Equal(0, Run("vacuum", "--library", _library.ToString(), "--older-than", "30d").ExitCode);
        await Serve();

        var tail = Start("tail", "--library", _library.ToString(), "--follow", "--leader", Gateway, "-n", "5", "--json");
        await Until(() => Sequences(tail).LastOrDefault() == 8, tail, "tail prints what is left of the last five entries");

        // The same line as a polling tail: entries 4 and 5 of the last five were vacuumed.
        Assert.Equal("synclog: entries 4..5 were vacuumed; continuing after them", tail.Stderr.Trim());
        Assert.Equal([6L, 7, 8], Sequences(tail));
        Assert.Equal(0, await tail.Interrupt(Patience));
    }

    [Fact]
    public async Task Tail_follow_leader_of_a_library_the_served_host_does_not_have_exits_1()
    {
        await Serve();
        var unknown = Guid.NewGuid();

        var run = Synclog.RunExactly("tail", "--library", unknown.ToString(), "--follow", "--leader", Gateway);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"synclog: unknown library {unknown}: no sync log at ", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Serve_writes_serve_json_naming_its_gateway_and_process_and_removes_it_on_ctrl_c()
    {
        Lead();
        var serve = await Serve();

        // Served with --port 0: what serve printed and serve.json name the port the OS gave it.
        Assert.Matches("^akka\\.tcp://synclog@127\\.0\\.0\\.1:[1-9][0-9]*/user/synclog-gateway$", Gateway);
        using (var json = JsonDocument.Parse(File.ReadAllText(ServeJson)))
        {
            Assert.Equal(Gateway, json.RootElement.GetProperty("gateway").GetString());
            Assert.Equal(serve.Id, json.RootElement.GetProperty("pid").GetInt32());
            Assert.False(json.RootElement.GetProperty("tls").GetBoolean());
        }

        Assert.Equal(0, await serve.Interrupt(Patience));
        Assert.False(File.Exists(ServeJson));
        Assert.Empty(Directory.EnumerateFiles(DataDir, "serve.json*"));
    }

    [Fact]
    public async Task Serve_stopped_with_sigterm_ends_like_ctrl_c_exit_0_and_removes_serve_json()
    {
        Lead();
        var serve = await Serve();
        Assert.True(File.Exists(ServeJson));

        Assert.Equal(0, await serve.Terminate(Patience));
        Assert.Empty(Directory.EnumerateFiles(DataDir, "serve.json*"));
        Assert.Equal("", serve.Stderr);
    }

    [Fact]
    public async Task Tail_follow_ignores_the_serve_json_a_killed_serve_left_and_polls()
    {
        Lead();
        Import(Fresh(1));
        var serve = await Serve();
        await serve.KillHard(Patience);
        Assert.True(File.Exists(ServeJson), "a killed serve cannot remove its serve.json");

        var tail = Start("tail", "--library", _library.ToString(), "--follow", "--interval", "1s", "--data-dir", DataDir, "--verbose", "--json");
        await tail.WaitForErrorLine("synclog: polling the data dir every 1s", Patience);
        await Until(() => Sequences(tail).LastOrDefault() == 1, tail, "tail prints the entry already there");
        Import(Fresh(2));
        await Until(() => Sequences(tail).LastOrDefault() == 2, tail, "tail polls the entry appended after it started");

        Assert.Contains($"{ServeJson} is stale: its serve (process {serve.Id}) is gone", tail.Stderr, StringComparison.Ordinal);
        Assert.Equal([1L, 2], Sequences(tail));
        Assert.Equal(0, await tail.Interrupt(Patience));
    }

    [Fact]
    public async Task Tail_follow_warns_about_a_serve_json_synclog_did_not_write_and_polls()
    {
        Lead();
        Import(Fresh(1));
        File.WriteAllText(ServeJson, "{\"gateway\": 7}");

        var tail = Start("tail", "--library", _library.ToString(), "--follow", "--interval", "1s", "--data-dir", DataDir, "--json");
        await Until(() => Sequences(tail).LastOrDefault() == 1, tail, "tail prints the entry already there");
        Import(Fresh(2));
        await Until(() => Sequences(tail).LastOrDefault() == 2, tail, "tail polls the entry appended after it started");

        Assert.Equal($"synclog: {ServeJson} is not a serve.json synclog serve wrote (\"gateway\" must be a string, got 7); ignoring it",
            tail.Stderr.Trim());
        Assert.Equal(0, await tail.Interrupt(Patience));
    }

    [Fact]
    public async Task Tail_follow_polls_when_serve_json_names_a_live_process_whose_gateway_does_not_answer()
    {
        Lead();
        Import(Fresh(1));
        // This test's own process is alive, and nothing listens on the port.
        using var unused = new UnusedPort();
        var nobody = unused.Gateway;
        File.WriteAllText(ServeJson, JsonSerializer.Serialize(new { gateway = nobody, pid = Environment.ProcessId, tls = false }));

        var tail = Start("tail", "--library", _library.ToString(), "--follow", "--interval", "1s", "--data-dir", DataDir, "--verbose", "--json");
        await Until(() => Sequences(tail).LastOrDefault() == 1, tail, "tail prints the entry already there");
        Import(Fresh(2));
        await Until(() => Sequences(tail).LastOrDefault() == 2, tail, "tail polls the entry appended after it started");

        Assert.Contains($"synclog: polling the data dir every 1s ({ServeJson} names {nobody}, which does not answer)", tail.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await tail.Interrupt(Patience));
    }

    [Fact]
    public async Task Tail_follow_reaches_a_host_served_with_tls_only_with_a_certificate_it_accepts()
    {
        Lead();
        Import(Fresh(1), Fresh(2));
        using var certificate = TestCertificates.Create("synclog-tail");
        var pfx = TestCertificates.WritePfx(certificate, Root);
        var (_, gateway) = await Serve(DataDir, "laptop", "--tls-certificate", pfx, "--tls-password", TestCertificates.Password);
        Assert.Matches("^akka\\.ssl\\.tcp://synclog@127\\.0\\.0\\.1:[1-9][0-9]*/user/synclog-gateway$", gateway);
        using (var json = JsonDocument.Parse(File.ReadAllText(ServeJson)))
            Assert.Equal((gateway, true), (json.RootElement.GetProperty("gateway").GetString(), json.RootElement.GetProperty("tls").GetBoolean()));

        string[] tls = ["--tls-certificate", pfx, "--tls-password", TestCertificates.Password];
        var leader = Start(["tail", "--library", _library.ToString(), "--follow", "--leader", gateway, "--json", .. tls]);
        var found = Start(["tail", "--library", _library.ToString(), "--follow", "--interval", "1d", "--data-dir", DataDir, "--verbose", "--json", .. tls]);
        var without = Start("tail", "--library", _library.ToString(), "--follow", "--interval", "1s", "--data-dir", DataDir, "--verbose", "--json");
        foreach (var tail in new[] { leader, found, without })
            await Until(() => Sequences(tail).LastOrDefault() == 2, tail, "tail prints the entries there");

        await found.WaitForErrorLine($"synclog: entries pushed by the served host at {gateway}", Patience);
        await without.WaitForErrorLine("served with TLS: add --tls-certificate to be pushed its entries", Patience);
        Assert.Contains("synclog: polling the data dir every 1s", without.Stderr, StringComparison.Ordinal);
        foreach (var tail in new[] { leader, found, without })
        {
            Assert.Equal([1L, 2], Sequences(tail));
            Assert.Equal(0, await tail.Interrupt(Patience));
        }

        Assert.Equal("", leader.Stderr);
    }

    [Theory]
    [InlineData("--leader must be a served leader's gateway address", "--follow", "--leader", "nonsense")]
    [InlineData("--leader must be a served leader's gateway address", "--follow", "--leader", "akka.tcp://synclog@127.0.0.1/user/synclog-gateway")]
    [InlineData("is served over TLS (akka.ssl.tcp); add --tls-certificate", "--follow", "--leader", "akka.ssl.tcp://synclog@127.0.0.1:4053/user/synclog-gateway")]
    [InlineData("--leader only applies with --follow", "--leader", "akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway")]
    [InlineData("--interval does not apply with --leader", "--follow", "--leader", "akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway", "--interval", "5s")]
    [InlineData("--tls-certificate only applies with --follow", "--tls-certificate", "/no/such/cert.pfx")]
    [InlineData("--tls-password and --tls-allow-peer only apply with --tls-certificate", "--follow", "--tls-password", "x")]
    [InlineData("--tls-certificate '/no/such/cert.pfx' does not exist", "--follow", "--leader", "akka.ssl.tcp://synclog@127.0.0.1:4053/user/synclog-gateway", "--tls-certificate", "/no/such/cert.pfx")]
    [InlineData("--bind-host and --public-host only apply with --leader", "--follow", "--bind-host", "0.0.0.0")]
    [InlineData("--bind-host 0.0.0.0 listens on every address; add --public-host", "--follow", "--leader", "akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway", "--bind-host", "0.0.0.0")]
    [InlineData("--public-host must be a host name or IP address", "--follow", "--leader", "akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway", "--public-host", "no host")]
    public void Bad_tail_follow_arguments_exit_2_with_one_line(string expected, params string[] args)
    {
        var run = Synclog.RunExactly(["tail", "--library", _library.ToString(), .. args]);

        BadInputSpecs.AssertOneLine(run, 2, expected);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Tail_follow_leader_refuses_a_data_dir_it_would_not_read()
    {
        var run = Run("tail", "--library", _library.ToString(), "--follow", "--leader", "akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--data-dir does not apply with --leader", run.Stderr, StringComparison.Ordinal);
    }

    public override Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        return base.InitializeAsync();
    }

    private void Lead() => Assert.Equal(0, Run("lead", "--library", _library.ToString(), "--term", "1").ExitCode);

    // One 'append --file' (one process) for many entries.
    private void Import(params string[] lines)
    {
        var file = Path.Combine(Root, $"entries-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(file, lines);
        var run = Run("append", "--library", _library.ToString(), "--file", file);
        Assert.True(run.ExitCode == 0, run.Stderr);
    }

    private static string Fresh(int n) => Entry(n, DateTimeOffset.UtcNow);

    private static string Entry(int n, DateTimeOffset at) => JsonSerializer.Serialize(new
    {
        device_id = "laptop",
        timestamp = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
        model_type = "tag",
        record_id = $"r{n}",
        change_type = "insert",
        data = new { n },
    });

    private Task<SynclogProcess> Serve() => ServeWith();

    private async Task<SynclogProcess> ServeWith(params string[] extra)
    {
        string[] port = _gateway is null ? [] : ["--port", PortOf(_gateway)];
        var (serve, gateway) = await Serve(DataDir, "laptop", ["--allow-writes", .. port, .. extra]);
        _gateway = gateway;
        return serve;
    }

    private async Task AppendThroughGateway(int count)
    {
        var gateway = await ResolveGateway(Gateway);
        var entries = Enumerable.Range(0, count)
            .Select(i => new NewSyncLogEntry("laptop", DateTimeOffset.UtcNow, "tag", Guid.NewGuid().ToString(), ChangeType.Insert, $$"""{"n":{{i}}}"""))
            .ToList();
        Assert.IsType<BatchAppended>(await gateway.Ask<object>(new AppendBatch(_library, entries), Patience));
    }

    private CliRun Run(params string[] args) => Synclog.RunIn(DataDir, args);

    private static List<long> Sequences(SynclogProcess tail) =>
        [.. tail.Stdout.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetInt64())];
}
