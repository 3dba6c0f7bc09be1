using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary><c>history</c> and <c>leader</c>: the questions an operator asks about one library.</summary>
public sealed class HistorySpecs : IDisposable
{
    private readonly Synclog _cli = new();
    private readonly string _library = Guid.NewGuid().ToString();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void History_finds_a_records_changes_a_devices_entries_and_a_time_range()
    {
        Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "1").ExitCode);
        Directory.CreateDirectory(_cli.DataDir);
        var file = Path.Combine(_cli.DataDir, "h.jsonl");
        File.WriteAllLines(file,
        [
            """{"device_id":"phone","timestamp":"2026-01-01T10:00:00Z","model_type":"tag","record_id":"t-1","change_type":"insert","data":{}}""",
            """{"device_id":"laptop","timestamp":"2026-01-02T10:00:00Z","model_type":"tag","record_id":"t-2","change_type":"insert","data":{}}""",
            """{"device_id":"phone","timestamp":"2026-01-03T10:00:00Z","model_type":"tag","record_id":"t-1","change_type":"update","version":2,"data":{}}""",
        ]);
        Assert.Equal(0, _cli.Run("append", "--library", _library, "--file", file).ExitCode);

        var record = Sequences(_cli.Run("history", "--library", _library, "--model", "tag", "--record", "t-1", "--json"));
        var device = Sequences(_cli.Run("history", "--library", _library, "--device", "laptop", "--json"));
        var range = Sequences(_cli.Run("history", "--library", _library, "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-03T00:00:00Z", "--json"));
        var table = _cli.Run("history", "--library", _library, "--device", "phone");

        Assert.Equal([1L, 3], record);
        Assert.Equal([2L], device);
        Assert.Equal([2L], range);
        Assert.Contains("2 entries", table.Stdout, StringComparison.Ordinal);
        BadInputSpecs.AssertOneLine(_cli.Run("history", "--library", _library, "--from", "tomorrow"), 2, "--from must be an ISO 8601 date and time");
    }

    [Fact]
    public void Leader_says_who_leads_at_which_term_and_whether_it_is_this_device()
    {
        Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "1").ExitCode);
        var mine = _cli.Run("leader", "--library", _library);
        Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "2", "--leader", "phone").ExitCode);
        var theirs = JsonDocument.Parse(_cli.Run("leader", "--library", _library, "--json").Stdout).RootElement;
        var sameTerm = _cli.Run("lead", "--library", _library, "--term", "2", "--leader", "tablet");

        Assert.Equal($"laptop leads library {_library} at term 1 (this device)", mine.Stdout.Trim());
        Assert.Equal("phone", theirs.GetProperty("leader").GetString());
        Assert.Equal(2, theirs.GetProperty("term").GetInt64());
        Assert.False(theirs.GetProperty("is_this_device").GetBoolean());
        BadInputSpecs.AssertOneLine(sameTerm, 1, "term 2 of library " + _library + " already has a leader (phone); a new leader needs a term above 2");
    }

    private static List<long> Sequences(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement.GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("sequence").GetInt64()).ToList();
    }
}
