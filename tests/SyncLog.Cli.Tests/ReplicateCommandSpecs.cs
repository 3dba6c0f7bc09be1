using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary><c>replicate</c> and <c>vacuum --dry-run</c>: a follower data dir caught up from an export or a leader's data dir.</summary>
public sealed class ReplicateCommandSpecs : IDisposable
{
    private readonly Synclog _leader = new();
    private readonly Synclog _follower = new();
    private readonly string _library = Guid.NewGuid().ToString();

    public void Dispose()
    {
        _leader.Dispose();
        _follower.Dispose();
    }

    [Fact]
    public void A_follower_catches_up_from_an_export_file_then_from_the_leaders_data_dir()
    {
        Assert.Equal(0, _leader.Run("lead", "--library", _library, "--term", "1").ExitCode);
        ImportSpecs.Append(_leader, _library, 3);
        var export = Path.Combine(_leader.DataDir, "export.jsonl");
        Assert.Equal(0, _leader.Run("export", "--library", _library, "-o", export).ExitCode);
        ImportSpecs.Append(_leader, _library, 2);

        var fromFile = _follower.Run("replicate", "--library", _library, "--from-file", export);
        var fromDir = _follower.Run("replicate", "--library", _library, "--from-data-dir", _leader.DataDir, "--json");
        var again = _follower.Run("replicate", "--library", _library, "--from-data-dir", _leader.DataDir);

        Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);
        Assert.Contains("replicated 3 entries", fromFile.Stdout, StringComparison.Ordinal);
        var json = JsonDocument.Parse(fromDir.Stdout).RootElement;
        Assert.Equal(2, json.GetProperty("replicated").GetInt64());
        Assert.Equal(5, json.GetProperty("latest_sequence").GetInt64());
        Assert.Equal(1, json.GetProperty("leader_term").GetInt64());
        Assert.Contains("replicated 0 entries", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(_leader.Run("export", "--library", _library).Stdout, _follower.Run("export", "--library", _library).Stdout);
    }

    [Fact]
    public void Replicating_into_the_leader_or_under_an_older_term_is_refused_before_anything_is_written()
    {
        Assert.Equal(0, _leader.Run("lead", "--library", _library, "--term", "1").ExitCode);
        ImportSpecs.Append(_leader, _library, 3);
        var export = Path.Combine(_leader.DataDir, "export.jsonl");
        Assert.Equal(0, _leader.Run("export", "--library", _library, "--since", "0", "-o", export).ExitCode);
        Assert.Equal(0, _follower.Run("lead", "--library", _library, "--term", "4", "--leader", "phone").ExitCode);

        var intoLeader = _leader.Run("replicate", "--library", _library, "--from-file", export);
        var olderTerm = _follower.Run("replicate", "--library", _library, "--from-file", export, "--term", "3");
        var otherTerm = _follower.Run("replicate", "--library", _library, "--from-data-dir", _leader.DataDir, "--term", "2");
        var atItsTerm = _follower.Run("replicate", "--library", _library, "--from-file", export, "--term", "4", "--json");

        BadInputSpecs.AssertOneLine(intoLeader, 1, "this device (laptop) leads library " + _library + " at term 1; replicate mirrors into a follower's data dir");
        BadInputSpecs.AssertOneLine(olderTerm, 1, "term 3 is older than term 4 that library " + _library + " already follows (phone leads); replicate from the current leader with its --term (at least 4)");
        BadInputSpecs.AssertOneLine(otherTerm, 2, "--term 2 differs from the term 1 recorded in the leader's data dir");
        // Only the run at the follower's term writes: the whole export, no resync.
        Assert.True(atItsTerm.ExitCode == 0, atItsTerm.Stderr);
        var json = JsonDocument.Parse(atItsTerm.Stdout).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("resynced_from").ValueKind);
        Assert.Equal(3, json.GetProperty("latest_sequence").GetInt64());
        Assert.Equal(4, json.GetProperty("leader_term").GetInt64());
    }

    [Fact]
    public void A_follower_behind_the_leaders_vacuum_resyncs_and_dry_run_vacuum_writes_nothing()
    {
        Assert.Equal(0, _leader.Run("lead", "--library", _library, "--term", "1").ExitCode);
        var old = DateTimeOffset.UtcNow.AddDays(-40).ToString("O");
        Directory.CreateDirectory(_leader.DataDir);
        var file = Path.Combine(_leader.DataDir, "old.jsonl");
        File.WriteAllLines(file, Enumerable.Range(1, 3).Select(i =>
            $$"""{"device_id":"laptop","timestamp":"{{old}}","model_type":"tag","record_id":"t-{{i}}","change_type":"insert","data":{"n":{{i}}} }""")
            .Append("""{"device_id":"laptop","model_type":"tag","record_id":"t-4","change_type":"insert","data":{}}"""));
        Assert.Equal(0, _leader.Run("append", "--library", _library, "--file", file).ExitCode);

        var dryRun = JsonDocument.Parse(_leader.Run("vacuum", "--library", _library, "--older-than", "30d", "--dry-run", "--json").Stdout).RootElement;
        var stillThere = JsonDocument.Parse(_leader.Run("stats", "--library", _library, "--json").Stdout).RootElement;
        Assert.Equal(0, _leader.Run("vacuum", "--library", _library, "--older-than", "30d").ExitCode);
        var replicate = _follower.Run("replicate", "--library", _library, "--from-data-dir", _leader.DataDir);

        Assert.Equal(3, dryRun.GetProperty("would_remove").GetInt64());
        Assert.Equal(3, dryRun.GetProperty("through_sequence").GetInt64());
        Assert.Equal(4, stillThere.GetProperty("entries").GetInt64());
        Assert.True(replicate.ExitCode == 0, replicate.Stderr);
        Assert.Contains("now ends at sequence 4", replicate.Stdout, StringComparison.Ordinal);
        Assert.Contains("restarted after 3", replicate.Stdout, StringComparison.Ordinal);
    }
}
