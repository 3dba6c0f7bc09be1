using System.Text.Json;
using System.Text.RegularExpressions;

namespace SyncLog.Cli.Tests;

/// <summary>What scripts read: --json objects with cursors, errors as JSON, one timestamp format, logs kept off stdout.</summary>
public sealed partial class JsonOutputSpecs : IDisposable
{
    private readonly Synclog _cli = new();
    private readonly string _library = Guid.NewGuid().ToString();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Fetch_latest_and_stats_json_carry_the_library_the_cursor_and_one_timestamp_format()
    {
        var lead = _cli.Run("lead", "--library", _library, "--term", "1", "--json", "--verbose");
        var emptyStats = _cli.Run("stats", "--library", _library, "--json");
        var emptyTable = _cli.Run("stats", "--library", _library);
        ImportSpecs.Append(_cli, _library, 3);

        var fetch = _cli.Run("fetch", "--library", _library, "--limit", "2", "--json", "--verbose");
        var latest = _cli.Run("latest", "--library", _library, "--json");
        var stats = _cli.Run("stats", "--library", _library, "--json");

        // The actor system's log goes to stderr, so '--json --verbose | jq' still reads one JSON document.
        Assert.Equal(1, JsonDocument.Parse(lead.Stdout).RootElement.GetProperty("term").GetInt64());
        Assert.Contains("laptop leads from term 1", lead.Stderr, StringComparison.Ordinal);
        var page = JsonDocument.Parse(fetch.Stdout).RootElement;
        Assert.Equal(_library, page.GetProperty("library_id").GetString());
        Assert.Equal(3, page.GetProperty("latest_sequence").GetInt64());
        Assert.True(page.GetProperty("has_more").GetBoolean());
        Assert.Equal(2, page.GetProperty("next_since").GetInt64());
        Assert.Matches(Timestamp(), page.GetProperty("entries")[0].GetProperty("timestamp").GetString());
        // --verbose says which data dir it used and logs on stderr, so stdout stays one JSON document.
        Assert.Contains($"data dir {_cli.DataDir}", fetch.Stderr, StringComparison.Ordinal);

        var one = JsonDocument.Parse(latest.Stdout).RootElement;
        Assert.Equal(JsonValueKind.Object, one.ValueKind);
        Assert.Equal(3, one.GetProperty("latest_sequence").GetInt64());

        var s = JsonDocument.Parse(stats.Stdout).RootElement;
        Assert.Matches(Timestamp(), s.GetProperty("oldest_timestamp").GetString());
        Assert.Matches(Timestamp(), s.GetProperty("newest_timestamp").GetString());
        Assert.Equal(1, s.GetProperty("oldest_sequence").GetInt64());

        var empty = JsonDocument.Parse(emptyStats.Stdout).RootElement;
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("oldest_sequence").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("oldest_timestamp").ValueKind);
        Assert.Matches(@"oldest sequence\s+-", emptyTable.Stdout);
        Assert.Matches(@"file size\s+\d+\.\d (KiB|MiB)", emptyTable.Stdout);
    }

    [Fact]
    public void Tables_and_tail_lines_use_the_same_timestamp_format_and_tail_prints_one_line_per_entry()
    {
        Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "1").ExitCode);
        ImportSpecs.Append(_cli, _library, 2);

        var tail = _cli.Run("tail", "--library", _library);
        var fetch = _cli.Run("fetch", "--library", _library);

        var lines = tail.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("     seq  time", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("──", tail.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"^\s+1  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z  ", lines[1]);
        Assert.Matches(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z", fetch.Stdout);
    }

    [Fact]
    public void Errors_in_json_mode_are_one_json_object_on_stderr_and_stdout_stays_empty()
    {
        var unknown = _cli.Run("fetch", "--library", _library, "--json");
        var usage = _cli.Run("fetch", "--library", "nope", "--json");

        Assert.Equal(("", 1), (unknown.Stdout, unknown.ExitCode));
        var error = JsonDocument.Parse(unknown.Stderr).RootElement;
        Assert.StartsWith($"unknown library {_library}", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, error.GetProperty("exit_code").GetInt32());
        Assert.Equal(2, JsonDocument.Parse(usage.Stderr).RootElement.GetProperty("exit_code").GetInt32());
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")]
    private static partial Regex Timestamp();
}
