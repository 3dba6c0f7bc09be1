using System.Diagnostics;
using System.Text.Json;
using Akka.Configuration;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Tests;

/// <summary>Read commands open the data dir read-only, so they work while another process (the app) owns it.</summary>
public sealed class ReadBesideOwnerSpecs : IAsyncLifetime, IDisposable
{
    private readonly Synclog _cli = new();
    private readonly Guid _library = Guid.NewGuid();
    private SyncLogHost _owner = null!;

    public async Task InitializeAsync()
    {
        _owner = SyncLogHost.Start(ConfigurationFactory.ParseString($"""
            synclog.data-dir = {SyncLogConfig.Quote(_cli.DataDir)}
            synclog.data-dir-env = ""
            synclog.device-id = laptop
            synclog.storage.synchronous = normal
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            """), "owner");
        Assert.IsType<LeadershipAck>(await _owner.AskAsync(new LeadershipChanged(_library, "laptop", 1)));
    }

    public async Task DisposeAsync() => await _owner.DisposeAsync();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Fetch_stats_and_latest_read_a_log_another_host_owns_and_writes_are_refused()
    {
        await AppendAsync(3);

        var latest = _cli.Run("latest", "--library", _library.ToString());
        var stats = _cli.Run("stats", "--library", _library.ToString(), "--json");
        var fetch = _cli.Run("fetch", "--library", _library.ToString(), "--json");
        var write = _cli.Run("append", "--library", _library.ToString(), "--device", "d", "--model", "tag", "--record", "r",
            "--change", "insert", "--data", "{}");

        Assert.Equal("3", latest.Stdout.Trim());
        Assert.Equal(3, JsonDocument.Parse(stats.Stdout).RootElement.GetProperty("entries").GetInt64());
        Assert.Equal(3, JsonDocument.Parse(fetch.Stdout).RootElement.GetProperty("entries").GetArrayLength());
        Assert.Equal(1, write.ExitCode);
        Assert.Contains("already used by another SyncLogHost", write.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_follow_prints_entries_as_the_owner_commits_them_as_json_lines_or_as_plain_lines()
    {
        await AppendAsync(2);
        using var json = StartTail("--json");
        using var lines = StartTail();
        try
        {
            var seenJson = new List<long>();
            var seenLines = new List<long>();
            await ReadSequencesAsync(json, seenJson, until: 2, JsonSequence);
            await ReadSequencesAsync(lines, seenLines, until: 2, LineSequence);
            await AppendAsync(3);
            await ReadSequencesAsync(json, seenJson, until: 5, JsonSequence);
            await ReadSequencesAsync(lines, seenLines, until: 5, LineSequence);

            Assert.Equal([1L, 2, 3, 4, 5], seenJson);
            // Table mode prints each entry once, as a line, not a table reprinted per poll.
            Assert.Equal([1L, 2, 3, 4, 5], seenLines);
        }
        finally
        {
            foreach (var tail in new[] { json, lines })
            {
                tail.Kill(entireProcessTree: true);
                await tail.WaitForExitAsync();
            }
        }
    }

    private Process StartTail(params string[] more)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "synclog.dll"), "tail", "--library", _library.ToString(),
                     "--follow", "--interval", "1s", "--data-dir", _cli.DataDir }.Concat(more))
            start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    private static long? JsonSequence(string line) => JsonDocument.Parse(line).RootElement.GetProperty("sequence").GetInt64();

    // The header line ("     seq  time ...") has no number in front.
    private static long? LineSequence(string line) =>
        long.TryParse(line.AsSpan().TrimStart()[..line.AsSpan().TrimStart().IndexOf(' ')], out var sequence) ? sequence : null;

    private static async Task ReadSequencesAsync(Process tail, List<long> seen, long until, Func<string, long?> sequenceOf)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (seen.Count == 0 || seen[^1] < until)
        {
            var line = await tail.StandardOutput.ReadLineAsync(timeout.Token)
                       ?? throw new InvalidOperationException("tail exited: " + await tail.StandardError.ReadToEndAsync());
            if (sequenceOf(line) is { } sequence)
                seen.Add(sequence);
        }
    }

    private async Task AppendAsync(int count)
    {
        var entries = Enumerable.Range(0, count)
            .Select(i => new NewSyncLogEntry("laptop", DateTimeOffset.UtcNow, "tag", Guid.NewGuid().ToString(), ChangeType.Insert, $$"""{"n":{{i}}}"""))
            .ToList();
        Assert.IsType<BatchAppended>(await _owner.AskAsync(new AppendBatch(_library, entries)));
    }
}
