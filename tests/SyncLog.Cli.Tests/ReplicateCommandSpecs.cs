using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary><c>replicate</c> and <c>vacuum --dry-run</c>: a follower data dir caught up from an export or a leader's data dir.</summary>
public sealed class ReplicateCommandSpecs : LeaderFollowerCliSpec
{
    [Fact]
    public void A_follower_catches_up_from_an_export_file_then_from_the_leaders_data_dir()
    {
        Assert.Equal(0, Leader.Run("lead", "--library", Library, "--term", "1").ExitCode);
        ImportSpecs.Append(Leader, Library, 3);
        var export = Path.Combine(Leader.DataDir, "export.jsonl");
        Assert.Equal(0, Leader.Run("export", "--library", Library, "-o", export).ExitCode);
        ImportSpecs.Append(Leader, Library, 2);

        var fromFile = Follower.Run("replicate", "--library", Library, "--from-file", export);
        var fromDir = Follower.Run("replicate", "--library", Library, "--from-data-dir", Leader.DataDir, "--json");
        var again = Follower.Run("replicate", "--library", Library, "--from-data-dir", Leader.DataDir);

        Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);
        Assert.Contains("replicated 3 entries", fromFile.Stdout, StringComparison.Ordinal);
        var json = JsonDocument.Parse(fromDir.Stdout).RootElement;
        Assert.Equal(2, json.GetProperty("replicated").GetInt64());
        Assert.Equal(5, json.GetProperty("latest_sequence").GetInt64());
        Assert.Equal(1, json.GetProperty("leader_term").GetInt64());
        Assert.Contains("replicated 0 entries", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(Leader.Run("export", "--library", Library).Stdout, Follower.Run("export", "--library", Library).Stdout);
    }

    [Fact]
    public void Replicating_into_the_leader_or_under_an_older_term_is_refused_before_anything_is_written()
    {
        Assert.Equal(0, Leader.Run("lead", "--library", Library, "--term", "1").ExitCode);
        ImportSpecs.Append(Leader, Library, 3);
        var export = Path.Combine(Leader.DataDir, "export.jsonl");
        Assert.Equal(0, Leader.Run("export", "--library", Library, "--since", "0", "-o", export).ExitCode);
        Assert.Equal(0, Follower.Run("lead", "--library", Library, "--term", "4", "--leader", "phone").ExitCode);

        var intoLeader = Leader.Run("replicate", "--library", Library, "--from-file", export);
        var olderTerm = Follower.Run("replicate", "--library", Library, "--from-file", export, "--term", "3");
        var otherTerm = Follower.Run("replicate", "--library", Library, "--from-data-dir", Leader.DataDir, "--term", "2");
        var atItsTerm = Follower.Run("replicate", "--library", Library, "--from-file", export, "--term", "4", "--json");

        BadInputSpecs.AssertOneLine(intoLeader, 1, "this device (laptop) leads library " + Library + " at term 1; replicate mirrors into a follower's data dir");
        BadInputSpecs.AssertOneLine(olderTerm, 1, "term 3 is older than term 4 that library " + Library + " already follows (phone leads); replicate from the current leader with its --term (at least 4)");
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
        Assert.Equal(0, Leader.Run("lead", "--library", Library, "--term", "1").ExitCode);
        var old = DateTimeOffset.UtcNow.AddDays(-40).ToString("O");
        Directory.CreateDirectory(Leader.DataDir);
        var file = Path.Combine(Leader.DataDir, "old.jsonl");
        File.WriteAllLines(file, Enumerable.Range(1, 3).Select(i =>
            $$"""{"device_id":"laptop","timestamp":"{{old}}","model_type":"tag","record_id":"t-{{i}}","change_type":"insert","data":{"n":{{i}}} }""")
            .Append("""{"device_id":"laptop","model_type":"tag","record_id":"t-4","change_type":"insert","data":{}}"""));
        Assert.Equal(0, Leader.Run("append", "--library", Library, "--file", file).ExitCode);

        var dryRun = JsonDocument.Parse(Leader.Run("vacuum", "--library", Library, "--older-than", "30d", "--dry-run", "--json").Stdout).RootElement;
        var stillThere = JsonDocument.Parse(Leader.Run("stats", "--library", Library, "--json").Stdout).RootElement;
        Assert.Equal(0, Leader.Run("vacuum", "--library", Library, "--older-than", "30d").ExitCode);
        var replicate = Follower.Run("replicate", "--library", Library, "--from-data-dir", Leader.DataDir);

        Assert.Equal(3, dryRun.GetProperty("would_remove").GetInt64());
        Assert.Equal(3, dryRun.GetProperty("through_sequence").GetInt64());
        Assert.Equal(4, stillThere.GetProperty("entries").GetInt64());
        Assert.True(replicate.ExitCode == 0, replicate.Stderr);
        Assert.Contains("now ends at sequence 4", replicate.Stdout, StringComparison.Ordinal);
        Assert.Contains("restarted after 3", replicate.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replicate_file_that_starts_after_the_local_log_is_refused_and_a_fresh_data_dir_is_left_uncreated()
    {
        Leader.Lead(Library);
        ImportSpecs.Append(Leader, Library, 4);
        var fromTwo = Leader.ExportTo(Library, "2");

        var intoFresh = Follower.Run("replicate", "--library", Library, "--from-file", fromTwo);

        Assert.Equal(1, intoFresh.ExitCode);
        Assert.Contains("starts at sequence 3 but the local log ends at 0: it would leave a hole", intoFresh.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Follower.DataDir), "a refused replicate created the follower's data dir");
    }

    [Fact]
    public void A_replicate_file_with_a_hole_after_a_non_empty_log_moves_nothing()
    {
        Leader.Lead(Library);
        ImportSpecs.Append(Leader, Library, 2);
        var first = Leader.ExportTo(Library, "0");
        Assert.Equal(0, Follower.Run("replicate", "--library", Library, "--from-file", first).ExitCode);
        ImportSpecs.Append(Leader, Library, 3);
        var fromThree = Leader.ExportTo(Library, "3");

        var refused = Follower.Run("replicate", "--library", Library, "--from-file", fromThree);
        var stats = JsonDocument.Parse(Follower.Run("stats", "--library", Library, "--json").Stdout).RootElement;

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("starts at sequence 4 but the local log ends at 2", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("export --since 2", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, Follower.Latest(Library));
        Assert.Equal(2, stats.GetProperty("entries").GetInt64());
    }

    [Fact]
    public void A_replicate_refused_by_the_follower_into_a_fresh_data_dir_removes_what_it_created()
    {
        Leader.Lead(Library);
        ImportSpecs.Append(Leader, Library, 3);
        var lines = File.ReadAllLines(Leader.ExportTo(Library, "0"));
        // Same sequence and checksum, other content: the follower's chain check refuses the first page.
        lines[1] = lines[1].Replace("\"t-2\"", "\"t-changed\"", StringComparison.Ordinal);
        var tampered = Leader.WriteFile(lines);

        var refused = Follower.Run("replicate", "--library", Library, "--from-file", tampered);

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("synclog: ", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Follower.DataDir), "a refused replicate left the data dir it created");
    }

    [Fact]
    public void A_stale_replicate_term_with_nothing_new_is_refused_without_telling_a_follower_to_lead()
    {
        Leader.Lead(Library);
        ImportSpecs.Append(Leader, Library, 2);
        var export = Leader.ExportTo(Library, "0");
        var atFive = Follower.Run("replicate", "--library", Library, "--from-file", export, "--term", "5");

        var stale = Follower.Run("replicate", "--library", Library, "--from-file", export, "--term", "4");

        Assert.True(atFive.ExitCode == 0, atFive.Stderr);
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("term 4 is older than term 5", stale.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("lead", stale.Stderr.Replace("leads", "", StringComparison.Ordinal).Replace("leader", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
