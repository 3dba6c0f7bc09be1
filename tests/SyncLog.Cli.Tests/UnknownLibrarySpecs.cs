using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary>A library with no log is one situation: every command says so the same way, exits 1 and creates nothing.</summary>
public sealed class UnknownLibrarySpecs : IDisposable
{
    private readonly Synclog _cli = new();
    private readonly string _library = Guid.NewGuid().ToString();

    public void Dispose() => _cli.Dispose();

    private string LibraryDir => Path.Combine(_cli.DataDir, "libraries", _library);

    [Theory]
    [InlineData("fetch")]
    [InlineData("stats")]
    [InlineData("latest")]
    [InlineData("tail")]
    [InlineData("export")]
    [InlineData("vacuum")]
    [InlineData("vacuum", "--dry-run")]
    [InlineData("history", "--device", "phone")]
    [InlineData("leader")]
    public void Every_command_reports_an_unknown_library_the_same_way_and_creates_nothing(string command, params string[] more)
    {
        Directory.CreateDirectory(Path.Combine(_cli.DataDir, "libraries", Guid.NewGuid().ToString()));

        var run = _cli.Run([command, "--library", _library, .. more]);

        BadInputSpecs.AssertOneLine(run, 1, $"unknown library {_library}: no sync log at {Path.Combine(LibraryDir, "sync.db")}");
        Assert.Equal("", run.Stdout);
        Assert.False(Directory.Exists(LibraryDir), "the command created the library's folder");
    }

    [Theory]
    [InlineData("fetch")]
    [InlineData("stats")]
    [InlineData("latest")]
    [InlineData("leader")]
    public void A_data_dir_that_does_not_exist_is_named_as_the_reason_and_not_created(string command)
    {
        var missing = Path.Combine(_cli.DataDir, "typo");

        var run = Synclog.RunIn(missing, command, "--library", _library);

        BadInputSpecs.AssertOneLine(run, 1, $"unknown library {_library}: data dir '{missing}' does not exist");
        Assert.False(Directory.Exists(missing), "the command created the data dir");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Latest_in_a_data_dir_that_does_not_exist_is_refused_naming_it_with_or_without_json(bool oneLibrary, bool json)
    {
        var missing = Path.Combine(_cli.DataDir, "typo");
        string[] library = oneLibrary ? ["--library", _library] : [];
        string[] format = json ? ["--json"] : [];

        var run = Synclog.RunIn(missing, ["latest", .. library, .. format]);

        var expected = oneLibrary
            ? $"unknown library {_library}: data dir '{missing}' does not exist"
            : $"no libraries: data dir '{missing}' does not exist";
        Assert.Equal(("", 1), (run.Stdout, run.ExitCode));
        if (json)
        {
            var error = JsonDocument.Parse(run.Stderr).RootElement;
            Assert.Equal((expected, 1), (error.GetProperty("error").GetString(), error.GetProperty("exit_code").GetInt32()));
        }
        else
        {
            BadInputSpecs.AssertOneLine(run, 1, expected);
        }

        Assert.False(Directory.Exists(missing), "latest created the data dir");
    }

    [Fact]
    public void Latest_of_every_library_in_an_existing_data_dir_without_libraries_is_an_empty_answer()
    {
        Directory.CreateDirectory(_cli.DataDir);

        var text = _cli.Run("latest");
        var json = _cli.Run("latest", "--json");

        Assert.Equal((0, $"no libraries in {_cli.DataDir}", ""), (text.ExitCode, text.Stdout.Trim(), text.Stderr));
        Assert.Equal((0, "[]", ""), (json.ExitCode, json.Stdout.Trim(), json.Stderr));
    }

    [Fact]
    public void A_library_path_that_is_not_a_directory_is_reported_as_such_not_as_unknown()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LibraryDir)!);
        File.WriteAllText(LibraryDir, "");

        var stats = _cli.Run("stats", "--library", _library);
        var latest = _cli.Run("latest", "--library", _library);

        BadInputSpecs.AssertOneLine(stats, 1, $"'{LibraryDir}' is a file, not a directory");
        BadInputSpecs.AssertOneLine(latest, 1, "is a file, not a directory");
    }

    [Fact]
    public void Latest_over_a_libraries_path_that_is_a_file_is_an_error_not_an_empty_table()
    {
        Directory.CreateDirectory(_cli.DataDir);
        File.WriteAllText(Path.Combine(_cli.DataDir, "libraries"), "");

        BadInputSpecs.AssertOneLine(_cli.Run("latest"), 1, "is a file, not a directory");
    }

    // Needs the host change: a refused append answers NotLeader without opening (creating) the library's sync.db.
    [Fact]
    public void Appending_without_a_leader_is_refused_and_creates_no_library_file()
    {
        var run = _cli.Run("append", "--library", _library, "--device", "d", "--model", "tag", "--record", "r",
            "--change", "insert", "--data", "{}");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not lead", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(LibraryDir, "sync.db")), "a refused append created sync.db");
    }
}
