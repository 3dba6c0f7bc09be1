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
    [InlineData("is served over TLS (akka.ssl.tcp); add --tls-certificate", "--library", Library, "--leader", "akka.ssl.tcp://synclog@127.0.0.1:4053/user/synclog-gateway")]
    [InlineData("--library must be a library UUID", "--library", "banana", "--leader", Gateway)]
    [InlineData("--library must be a library's UUID, not the empty UUID", "--library", "00000000-0000-0000-0000-000000000000", "--leader", Gateway)]
    [InlineData("--leader", "--library", Library)]
    [InlineData("--device-id must not be empty", "--library", Library, "--leader", Gateway, "--device-id", " ")]
    [InlineData("--tls-password and --tls-allow-peer only apply with --tls-certificate", "--library", Library, "--leader", Gateway, "--tls-password", "x")]
    public void Bad_follow_arguments_exit_2_with_one_line_and_create_nothing(string expected, params string[] args)
    {
        var run = _cli.Run(["follow", .. args]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Equal("", run.Stdout);
        Assert.False(Directory.Exists(_cli.DataDir));
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
        Assert.Equal(2, aFile.ExitCode);
        Assert.Contains("is a file; follow needs a directory", aFile.Stderr, StringComparison.Ordinal);
    }
}
