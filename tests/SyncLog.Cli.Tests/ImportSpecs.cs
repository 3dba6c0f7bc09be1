using System.Text;
using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary>append --file: checked whole before anything is written, one transaction, resumable, with errors that name the line.</summary>
public sealed class ImportSpecs : IDisposable
{
    private readonly Synclog _cli = new();
    private readonly string _library = Guid.NewGuid().ToString();

    public ImportSpecs() => Directory.CreateDirectory(_cli.DataDir);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Bad_lines_are_refused_with_their_line_number_and_field_and_nothing_is_written()
    {
        Lead();
        var good = Line("t-1");
        var invalidUtf8 = Encoding.UTF8.GetBytes(good + "\n")
            .Concat(Encoding.UTF8.GetBytes("{\"device_id\":\"d\",\"model_type\":\"tag\",\"record_id\":\"caf")).Concat(new byte[] { 0xE9 })
            .Concat(Encoding.UTF8.GetBytes("\",\"change_type\":\"insert\",\"data\":{}}\n")).ToArray();

        var utf8 = _cli.Run("append", "--library", _library, "--file", Write(invalidUtf8));
        var json = _cli.Run("append", "--library", _library, "--file", Write(good, good, """{"device_id": oops}"""));
        var version = _cli.Run("append", "--library", _library, "--file", Write(good, Line("t-2", ""","version":0""")));
        var type = _cli.Run("append", "--library", _library, "--file", Write(good, Line("t-2", ""","version":"two" """)));
        var time = _cli.Run("append", "--library", _library, "--file", Write(Line("t-2", ""","timestamp":"yesterday" """)));
        // 1,500 good lines and a bad one near the end: the good ones are not committed either.
        var late = _cli.Run("append", "--library", _library,
            "--file", Write([.. Enumerable.Range(0, 1_400).Select(i => Line($"r-{i}")), Line("bad", ""","version":-1"""), .. Enumerable.Range(0, 100).Select(i => Line($"s-{i}"))]));

        BadInputSpecs.AssertOneLine(utf8, 2, "line 2: not valid UTF-8");
        BadInputSpecs.AssertOneLine(json, 2, "line 3: not valid JSON at column");
        Assert.DoesNotContain("LineNumber", json.Stderr, StringComparison.Ordinal);
        BadInputSpecs.AssertOneLine(version, 2, "line 2: version must be at least 1 and at most 9007199254740991 (2^53-1), got 0");
        BadInputSpecs.AssertOneLine(type, 2, "line 2: 'version' must be a whole number, got a string \"two\"");
        BadInputSpecs.AssertOneLine(time, 2, "line 1: 'timestamp' must be an ISO 8601 date and time");
        BadInputSpecs.AssertOneLine(late, 2, "line 1401: version must be at least 1 and at most 9007199254740991 (2^53-1), got -1");
        Assert.Equal("0", _cli.Run("latest", "--library", _library).Stdout.Trim());
    }

    [Fact]
    public void A_line_that_is_not_an_object_or_repeats_a_field_is_refused_with_its_line_number()
    {
        var array = _cli.Run("append", "--library", _library, "--file", Write(Line("t-1"), "[1,2]"));
        var twice = _cli.Run("append", "--library", _library, "--file", Write(Line("t-1", ""","device_id":"phone" """)));

        BadInputSpecs.AssertOneLine(array, 2, "line 2: expected a JSON object, got an array");
        BadInputSpecs.AssertOneLine(twice, 2, "line 1: 'device_id' is given twice");
        Assert.False(Directory.Exists(Path.Combine(_cli.DataDir, "libraries")), "a refused import created a library folder");
    }

    [Fact]
    public void Ctrl_c_while_waiting_for_standard_input_is_one_line_exit_1_and_writes_nothing()
    {
        var run = _cli.Interrupt(["append", "--library", _library, "--file", "-"], waitingOnStdin: true);

        BadInputSpecs.AssertOneLine(run, 1, "interrupted (Ctrl-C)");
        Assert.False(Directory.Exists(Path.Combine(_cli.DataDir, "libraries")), "an interrupted import created a library folder");
    }

    [Fact]
    public void Standard_input_imports_with_a_dash_and_values_starting_with_at_are_plain_text()
    {
        Lead();

        var stdin = _cli.RunWithInput(Encoding.UTF8.GetBytes(Line("t-1") + "\n" + Line("t-2") + "\n"),
            "append", "--library", _library, "--file", "-");
        var at = _cli.Run("append", "--library", _library, "--device", "d", "--model", "tag", "--record", "@alice",
            "--change", "insert", "--data", "{}", "--json");

        Assert.Contains("appended 2 entries at sequences 1..2", stdin.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, at.ExitCode);
        var history = JsonDocument.Parse(_cli.Run("fetch", "--library", _library, "--since", "2", "--json").Stdout).RootElement;
        Assert.Equal("@alice", history.GetProperty("entries")[0].GetProperty("record_id").GetString());
    }

    // Needs the storage branch: a retried idempotency key returns the sequence it was first given.
    [Fact]
    public void Running_the_same_import_again_commits_nothing_twice_and_says_so()
    {
        Lead();
        var file = Write(Line("t-1"), Line("t-2"), Line("t-3"));
        Assert.Equal(0, _cli.Run("append", "--library", _library, "--file", file).ExitCode);

        var again = _cli.Run("append", "--library", _library, "--file", file);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("appended 0 entries; 3 of", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("already committed by an earlier run", again.Stdout, StringComparison.Ordinal);
        Assert.Equal("3", _cli.Run("latest", "--library", _library).Stdout.Trim());
    }

    /// <summary>Appends <paramref name="count"/> tag entries to <paramref name="library"/> (which this device leads).</summary>
    internal static void Append(Synclog cli, string library, int count)
    {
        Directory.CreateDirectory(cli.DataDir);
        var file = Path.Combine(cli.DataDir, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(file, Enumerable.Range(1, count).Select(i => Line($"t-{i}")));
        var run = cli.Run("append", "--library", library, "--file", file);
        Assert.True(run.ExitCode == 0, run.Stderr);
    }

    private static string Line(string record, string extra = "") =>
        $$"""{"device_id":"laptop","model_type":"tag","record_id":"{{record}}","change_type":"insert","data":{"n":1}{{extra}}}""";

    private void Lead() => Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "1").ExitCode);

    private string Write(params string[] lines) => Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));

    private string Write(byte[] bytes)
    {
        var file = Path.Combine(_cli.DataDir, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllBytes(file, bytes);
        return file;
    }
}
