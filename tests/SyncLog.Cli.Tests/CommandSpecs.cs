using System.Text.Json;

namespace SyncLog.Cli.Tests;

public sealed class CommandSpecs : IDisposable
{
    private readonly Synclog _cli = new();
    private readonly string _library = Guid.NewGuid().ToString();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Lead_append_fetch_and_latest_work_end_to_end()
    {
        Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "1").ExitCode);

        var first = _cli.Run("append", "--library", _library, "--device", "phone", "--model", "tag", "--record", "r-1",
            "--change", "insert", "--data", """{"name":"travel"}""");
        var second = _cli.Run("append", "--library", _library, "--device", "phone", "--model", "tag", "--record", "r-1",
            "--change", "update", "--data", """{"name":"trips"}""", "--version", "2", "--json");
        var fetched = _cli.Run("fetch", "--library", _library, "--since", "0", "--limit", "10", "--json");
        var latest = _cli.Run("latest", "--library", _library);

        Assert.Equal((0, "appended at sequence 1"), (first.ExitCode, first.Stdout.Trim()));
        Assert.Equal([2L], JsonDocument.Parse(second.Stdout).RootElement.GetProperty("sequences").EnumerateArray().Select(e => e.GetInt64()));
        var page = JsonDocument.Parse(fetched.Stdout).RootElement;
        Assert.Equal(2, page.GetProperty("latest_sequence").GetInt64());
        Assert.False(page.GetProperty("is_truncated").GetBoolean());
        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["insert", "update"], entries.Select(e => e.GetProperty("change_type").GetString()));
        Assert.Equal("trips", entries[1].GetProperty("data").GetProperty("name").GetString());
        Assert.Equal(2, entries[1].GetProperty("version").GetInt64());
        Assert.Equal("2", latest.Stdout.Trim());
    }

    [Fact]
    public void Fetch_prints_a_table_by_default()
    {
        Lead();
        AppendFile(("album", "a-1", """{"name":"Summer"}"""));

        var run = _cli.Run("fetch", "--library", _library);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("album", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Summer", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 entry; latest sequence 1", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_from_a_file_then_export_gives_the_same_entries_as_json_lines()
    {
        Lead();
        var appended = AppendFile(("album", "a-1", """{"name":"Summer"}"""), ("tag", "t-1", """{"name":"beach"}"""),
            ("entry", "e-1", """{"path":"/p/1.jpg","size":10}"""));
        var exportFile = Path.Combine(_cli.DataDir, "export.jsonl");

        var toFile = _cli.Run("export", "--library", _library, "--output", exportFile);
        var toStdout = _cli.Run("export", "--library", _library, "--since", "1");

        Assert.Contains("appended 3 entries at sequences 1..3", appended.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, toFile.ExitCode);
        var lines = File.ReadAllLines(exportFile).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1L, 2, 3], lines.Select(l => l.GetProperty("sequence").GetInt64()));
        Assert.Equal(["a-1", "t-1", "e-1"], lines.Select(l => l.GetProperty("record_id").GetString()));
        Assert.Equal("/p/1.jpg", lines[2].GetProperty("data").GetProperty("path").GetString());
        Assert.Equal(2, toStdout.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Vacuum_removes_old_entries_and_fetch_then_reports_the_truncation()
    {
        Lead();
        var old = DateTimeOffset.UtcNow.AddDays(-40).ToString("O");
        var file = WriteLines(
            $$"""{"data":{},"device_id":"laptop","timestamp":"{{old}}","model_type":"tag","record_id":"t-1","change_type":"insert"}""",
            $$"""{"data":{},"device_id":"laptop","timestamp":"{{old}}","model_type":"tag","record_id":"t-2","change_type":"insert"}""",
            """{"device_id":"laptop","model_type":"tag","record_id":"t-3","change_type":"insert","data":{}}""");
        Assert.Equal(0, _cli.Run("append", "--library", _library, "--file", file).ExitCode);

        var vacuum = _cli.Run("vacuum", "--library", _library, "--older-than", "30d", "--json");
        var fetch = _cli.Run("fetch", "--library", _library, "--since", "0", "--json");
        var stats = _cli.Run("stats", "--library", _library, "--json");

        Assert.Equal(0, vacuum.ExitCode);
        Assert.Equal(2, JsonDocument.Parse(vacuum.Stdout).RootElement.GetProperty("removed").GetInt32());
        Assert.True(JsonDocument.Parse(fetch.Stdout).RootElement.GetProperty("is_truncated").GetBoolean());
        var s = JsonDocument.Parse(stats.Stdout).RootElement;
        Assert.Equal(1, s.GetProperty("entries").GetInt64());
        Assert.Equal(3, s.GetProperty("latest_sequence").GetInt64());
        Assert.Equal(2, s.GetProperty("vacuumed_through_sequence").GetInt64());
        Assert.Equal(1, s.GetProperty("per_model").GetProperty("tag").GetInt64());
    }

    [Fact]
    public void Tail_shows_the_last_entries()
    {
        Lead();
        AppendFile(("tag", "t-1", "{}"), ("tag", "t-2", "{}"), ("tag", "t-3", "{}"));

        var run = _cli.Run("tail", "--library", _library, "-n", "2", "--json");

        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement);
        Assert.Equal([2L, 3], lines.Select(l => l.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public void Latest_without_a_library_lists_every_library()
    {
        Lead();
        AppendFile(("tag", "t-1", "{}"));

        var run = _cli.Run("latest", "--json");

        var rows = JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(_library, Assert.Single(rows).GetProperty("library_id").GetString());
        Assert.Equal(1, rows[0].GetProperty("latest_sequence").GetInt64());
    }

    private void Lead() => Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "1").ExitCode);

    private CliRun AppendFile(params (string Model, string Record, string Data)[] entries)
    {
        var file = WriteLines(entries.Select(e =>
            $$"""{"device_id":"laptop","model_type":"{{e.Model}}","record_id":"{{e.Record}}","change_type":"insert","data":{{e.Data}}}""").ToArray());
        var run = _cli.Run("append", "--library", _library, "--file", file);
        Assert.Equal(0, run.ExitCode);
        return run;
    }

    private string WriteLines(params string[] lines)
    {
        Directory.CreateDirectory(_cli.DataDir);
        var file = Path.Combine(_cli.DataDir, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(file, lines);
        return file;
    }
}
