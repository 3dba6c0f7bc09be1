using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary>
/// A <c>serve.json</c> synclog did not write (or a torn, hand-edited one) is reported with what is wrong and where, on one
/// line, and is not used; <c>tail --follow</c> then polls (<see cref="TailFollowSpecs"/>).
/// </summary>
public sealed class ServeFileSpecs : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "synclog-serve-file-tests", Guid.NewGuid().ToString("N"));

    public ServeFileSpecs() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path_ => ServeFile.PathIn(_dir);

    [Theory]
    [InlineData("{\"gateway\": \"akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway\",\n \"pid\": 12,\n \"tls\": fals}", "not JSON at line 3, byte ")]
    [InlineData("{\"gateway\": \"akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway\", \"pid\": 1", "not JSON at line 1, byte ")]
    [InlineData("garbage", "not JSON at line 1, byte 1: ")]
    [InlineData("", "not JSON at line 1, byte 1: ")]
    [InlineData("[1, 2]", "it holds [1, 2], not an object with \"gateway\", \"pid\" and \"tls\"")]
    [InlineData("{\"gateway\": 7, \"pid\": 1, \"tls\": false}", "\"gateway\" must be a string, got 7")]
    [InlineData("{\"gateway\": \"akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway\", \"tls\": false}", "\"pid\" is missing")]
    [InlineData("{\"gateway\": \"akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway\", \"pid\": \"12\", \"tls\": false}", "\"pid\" must be a process id, got \"12\"")]
    [InlineData("{\"gateway\": \"akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway\", \"pid\": 0, \"tls\": false}", "\"pid\" must be a process id (1 or more), got 0")]
    [InlineData("{\"gateway\": \"akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway\", \"pid\": 12, \"tls\": {\n\"on\": 1}}", "\"tls\" must be true or false, got { \"on\": 1}")]
    [InlineData("{\"gateway\": \"somewhere\", \"pid\": 12, \"tls\": false}", "\"gateway\" must be a served gateway's address with a port, got \"somewhere\"")]
    public void A_malformed_serve_json_is_broken_and_says_what_is_wrong_and_where(string text, string expected)
    {
        File.WriteAllText(Path_, text);

        var lookup = ServeFile.Find(_dir);

        Assert.Null(lookup.Found);
        Assert.True(lookup.Broken);
        Assert.StartsWith($"{Path_} is not a serve.json synclog serve wrote (", lookup.Note, StringComparison.Ordinal);
        Assert.Contains(expected, lookup.Note, StringComparison.Ordinal);
        Assert.EndsWith(")", lookup.Note, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', lookup.Note);
        Assert.DoesNotContain("LineNumber", lookup.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_serve_json_that_is_a_directory_is_broken_and_says_so()
    {
        Directory.CreateDirectory(Path_);

        var lookup = ServeFile.Find(_dir);

        Assert.Null(lookup.Found);
        Assert.True(lookup.Broken);
        Assert.Equal($"{Path_} is a directory, not the file synclog serve writes", lookup.Note);
    }

    [Fact]
    public void A_serve_json_of_this_live_process_is_found()
    {
        const string Gateway = "akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway";
        File.WriteAllText(Path_, JsonSerializer.Serialize(new { gateway = Gateway, pid = Environment.ProcessId, tls = true }));

        var lookup = ServeFile.Find(_dir);

        Assert.Equal(new ServeFile(Gateway, Environment.ProcessId, true), lookup.Found);
        Assert.False(lookup.Broken);
    }
}
