using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using SyncLog.Actors;

namespace SyncLog.Cli.Tests;

/// <summary><c>synclog serve</c>: bad input exits 2 before anything listens; a served data dir answers remote peers until Ctrl-C.</summary>
public sealed class ServeCommandSpecs : IDisposable
{
    private readonly Synclog _cli = new();

    public ServeCommandSpecs() => Directory.CreateDirectory(_cli.DataDir);

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("--port must be between 0 and 65535, got 70000", "serve", "--port", "70000")]
    [InlineData("--port must be between 0 and 65535, got -1", "serve", "--port", "-1")]
    [InlineData("--port must be a whole number, got 'http'", "serve", "--port", "http")]
    [InlineData("--bind-host must be a host name or IP address, got 'not a host'", "serve", "--bind-host", "not a host")]
    [InlineData("--bind-host 0.0.0.0 listens on every address; add --public-host", "serve", "--bind-host", "0.0.0.0")]
    [InlineData("--public-host must be a host name or IP address, got 'a b'", "serve", "--public-host", "a b")]
    [InlineData("--tls-certificate '/no/such/cert.pfx' does not exist", "serve", "--tls-certificate", "/no/such/cert.pfx")]
    [InlineData("--tls-password and --tls-allow-peer only apply with --tls-certificate", "serve", "--tls-password", "x")]
    [InlineData("--tls-allow-peer must be a certificate's SHA-1 thumbprint (40 hex digits), got 'abc'", "serve", "--tls-certificate", "/no/such/cert.pfx", "--tls-allow-peer", "abc")]
    public void Bad_serve_arguments_exit_2_with_one_line(string expected, params string[] args)
    {
        var run = _cli.Run(args);

        BadInputSpecs.AssertOneLine(run, 2, expected);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Serve_needs_an_existing_data_dir_named_on_the_command_line()
    {
        var missing = Synclog.RunExactly("serve");
        var absent = Synclog.RunIn(Path.Combine(_cli.DataDir, "absent"), "serve");

        Assert.Equal((2, "synclog: serve needs --data-dir: the data dir it serves (and locks while it runs)"), (missing.ExitCode, missing.Stderr.Trim()));
        Assert.Equal(2, absent.ExitCode);
        Assert.Contains("does not exist; serve an existing data dir", absent.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_cli.DataDir, "absent")));
    }

    [Fact]
    public void Serve_of_a_data_dir_that_is_a_file_exits_1_saying_so()
    {
        Directory.CreateDirectory(_cli.DataDir);
        var file = Path.Combine(_cli.DataDir, "a-file");
        File.WriteAllText(file, "x");

        var run = Synclog.RunIn(file, "serve", "--port", "0");

        BadInputSpecs.AssertOneLine(run, 1, $"'{file}' is a file, not a directory");
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void Serve_where_serve_json_is_a_directory_exits_1_naming_the_path_once()
    {
        var serveJson = Path.Combine(_cli.DataDir, "serve.json");
        Directory.CreateDirectory(serveJson);

        var run = _cli.Run("serve", "--port", "0");

        BadInputSpecs.AssertOneLine(run, 1, $"cannot serve: '{serveJson}' is a directory; ");
        Assert.Equal(1, run.Stderr.Split(serveJson).Length - 1);
        Assert.True(Directory.Exists(serveJson));
    }

    [Theory]
    [InlineData(true, "127.0.0.1")]
    [InlineData(false, "0.0.0.0")]
    public async Task Serve_warns_once_on_stderr_when_it_advertises_a_public_host_on_a_loopback_bind_and_serves_anyway(bool warns, string bindHost)
    {
        using var serve = new SynclogProcess("serve", "--data-dir", _cli.DataDir, "--host-device", "laptop", "--port", "0",
            "--bind-host", bindHost, "--public-host", "nas.example.com");

        var gateway = await serve.WaitForGateway(TimeSpan.FromMinutes(3));
        await serve.WaitForLine("press Ctrl-C to stop", TimeSpan.FromMinutes(3));

        Assert.Equal(0, await serve.Interrupt(TimeSpan.FromMinutes(3)));
        Assert.StartsWith("akka.tcp://synclog@nas.example.com:", gateway, StringComparison.Ordinal);
        var warnings = serve.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (warns)
        {
            var line = Assert.Single(warnings);
            Assert.Equal("synclog: warning: --bind-host 127.0.0.1 is loopback, so peers on other machines cannot connect to --public-host nas.example.com; "
                         + "add --bind-host 0.0.0.0 (or an address they reach) to accept them", line);
        }
        else
        {
            Assert.Empty(warnings);
        }
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_exits_1_saying_so_and_leaves_the_data_dir_free()
    {
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        var port = ((IPEndPoint)held.LocalEndpoint).Port;

        var run = _cli.Run("serve", "--port", port.ToString(CultureInfo.InvariantCulture));

        BadInputSpecs.AssertOneLine(run, 1, "cannot serve: remoting did not start: ");
        Assert.Equal("", run.Stdout);
        Assert.False(File.Exists(Path.Combine(_cli.DataDir, "serve.json")));
        // The lock was released on the way out (its file, as after every run, stays: a lock file is never deleted).
        await using var next = SyncLogHost.Start(ConfigurationFactory.ParseString(
            $"synclog.data-dir = {SyncLogConfig.Quote(_cli.DataDir)}\nsynclog.data-dir-env = \"\"\nakka.loglevel = OFF\nakka.stdout-loglevel = OFF"));
        Assert.Equal(Path.GetFullPath(_cli.DataDir), Path.GetFullPath(next.Settings.DataDir));
    }

    [Fact]
    public void A_certificate_that_cannot_be_loaded_exits_2()
    {
        using var certificate = TestCertificates.Create("synclog-cli");
        var pfx = TestCertificates.WritePfx(certificate, _cli.DataDir);
        var notACertificate = Path.Combine(_cli.DataDir, "notes.txt");
        File.WriteAllText(notACertificate, "hello");

        var wrongPassword = _cli.Run("serve", "--tls-certificate", pfx, "--tls-password", "wrong");
        var garbage = _cli.Run("serve", "--tls-certificate", notACertificate);

        foreach (var run in new[] { wrongPassword, garbage })
        {
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("cannot be loaded as a PKCS#12 (.pfx) file", run.Stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false, "remote peers may read and follow; writes are refused", "no TLS: anyone who can reach this address can read")]
    [InlineData(true, "remote peers may read, follow and write (--allow-writes)", "no TLS: anyone who can reach this address can read and write")]
    public async Task Serve_without_tls_warns_of_everything_anyone_who_reaches_it_can_do(bool allowWrites, string served, string warning)
    {
        string[] args = ["serve", "--data-dir", _cli.DataDir, "--host-device", "laptop", "--port", "0", .. allowWrites ? ["--allow-writes"] : Array.Empty<string>()];
        using var serve = new SynclogProcess(args);

        await serve.WaitForLine("press Ctrl-C to stop", TimeSpan.FromMinutes(3));
        Assert.Equal(0, await serve.Interrupt(TimeSpan.FromMinutes(3)));
        Assert.Contains(served, serve.Stdout);
        Assert.Contains(warning, serve.Stdout);
    }

    [Fact]
    public async Task Serve_prints_the_gateway_a_peer_reads_through_and_ends_with_0_on_ctrl_c()
    {
        var library = Guid.NewGuid();
        Assert.Equal(0, _cli.Run("lead", "--library", library.ToString(), "--term", "1").ExitCode);
        Assert.Equal(0, _cli.Run("append", "--library", library.ToString(), "--device", "laptop", "--model", "tag", "--record", "r1",
            "--change", "insert", "--data", "{}").ExitCode);
        using var process = new SynclogProcess("serve", "--port", "0", "--json", "--data-dir", _cli.DataDir);
        using var peer = ActorSystem.Create("peer", Remoting.Client(tls: false));
        try
        {
            // The one JSON object serve prints once it listens (indented, as every command's --json): its last line is "}".
            await process.WaitForLine("}", TimeSpan.FromMinutes(1));
            using var json = JsonDocument.Parse(string.Join('\n', process.Stdout));
            var address = json.RootElement.GetProperty("gateway").GetString()!;
            Assert.Matches("^akka\\.tcp://synclog@127\\.0\\.0\\.1:[0-9]+/user/synclog-gateway$", address);
            Assert.False(json.RootElement.GetProperty("allow_writes").GetBoolean());

            var gateway = await peer.ActorSelection(address).ResolveOne(TimeSpan.FromSeconds(30));
            var latest = await gateway.Ask<LatestSequence>(new GetLatestSequence(library), TimeSpan.FromSeconds(30));
            var refused = await gateway.Ask<RequestNotServed>(new LeadershipChanged(library, "intruder", 9), TimeSpan.FromSeconds(30));

            Assert.Equal(1, latest.Sequence);
            Assert.Equal("LeadershipChanged", refused.Request);
            Assert.Equal(0, await process.Interrupt(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await peer.Terminate();
        }

        // The data dir is free again, and the refused leadership change wrote nothing.
        var leader = _cli.Run("leader", "--library", library.ToString(), "--json");
        Assert.Equal(0, leader.ExitCode);
        Assert.Contains("\"term\": 1", leader.Stdout, StringComparison.Ordinal);
    }
}
