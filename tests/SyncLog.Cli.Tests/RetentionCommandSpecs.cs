using System.Text.Json;
using SyncLog.Storage;

namespace SyncLog.Cli.Tests;

/// <summary><c>stats</c>, <c>vacuum</c> and <c>forget-follower</c> with a follower that lags: entries 1..3 are 40 days old, 4 is new.</summary>
public sealed class RetentionCommandSpecs : IDisposable
{
    private readonly Synclog _cli = new();
    private readonly string _library = Guid.NewGuid().ToString();
    private readonly Guid _phoneLog = Guid.NewGuid();

    public RetentionCommandSpecs()
    {
        Assert.Equal(0, _cli.Run("lead", "--library", _library, "--term", "1").ExitCode);
        var old = DateTimeOffset.UtcNow.AddDays(-40).ToString("O");
        Directory.CreateDirectory(_cli.DataDir);
        var file = Path.Combine(_cli.DataDir, "entries.jsonl");
        File.WriteAllLines(file, Enumerable.Range(1, 3)
            .Select(i => $$"""{"data":{},"device_id":"laptop","timestamp":"{{old}}","model_type":"tag","record_id":"t-{{i}}","change_type":"insert"}""")
            .Append("""{"device_id":"laptop","model_type":"tag","record_id":"t-4","change_type":"insert","data":{}}"""));
        Assert.Equal(0, _cli.Run("append", "--library", _library, "--file", file).ExitCode);
        // What a follower's ack leaves in the file: the phone has replicated entry 1 only.
        var db = SyncLogDb.OpenAsync(Guid.Parse(_library), _cli.DataDir).GetAwaiter().GetResult();
        try
        {
            db.AcknowledgeAsync("phone", _phoneLog, 1).GetAwaiter().GetResult();
        }
        finally
        {
            db.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Stats_show_each_follower_with_its_acked_sequence_lag_and_log_id()
    {
        var json = _cli.Run("stats", "--library", _library, "--json");
        var table = _cli.Run("stats", "--library", _library);

        Assert.Equal((0, 0), (json.ExitCode, table.ExitCode));
        var phone = Assert.Single(JsonDocument.Parse(json.Stdout).RootElement.GetProperty("followers").EnumerateArray().ToList());
        Assert.Equal(("phone", _phoneLog, 1L, 3L),
            (phone.GetProperty("device_id").GetString(), phone.GetProperty("log_id").GetGuid(), phone.GetProperty("acked_sequence").GetInt64(), phone.GetProperty("lag").GetInt64()));
        Assert.Contains($"acked 1, lag 3, log {_phoneLog:D}", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Vacuum_says_what_it_kept_and_for_whom_and_forget_follower_releases_it()
    {
        var plan = _cli.Run("vacuum", "--library", _library, "--dry-run", "--json");
        var vacuum = _cli.Run("vacuum", "--library", _library);

        Assert.Equal((0, 0), (plan.ExitCode, vacuum.ExitCode));
        var planned = JsonDocument.Parse(plan.Stdout).RootElement;
        Assert.Equal(1, planned.GetProperty("would_remove").GetInt32());
        var held = planned.GetProperty("held_back");
        Assert.Equal((2L, 2L), (held.GetProperty("from_sequence").GetInt64(), held.GetProperty("entries").GetInt64()));
        Assert.Equal("phone", Assert.Single(held.GetProperty("followers").EnumerateArray().ToList()).GetProperty("device_id").GetString());
        Assert.Contains("removed 1 entry", vacuum.Stdout, StringComparison.Ordinal);
        Assert.Contains("kept 2 expired entries from sequence 2 on for followers that have not acknowledged them: phone (acked 1", vacuum.Stdout, StringComparison.Ordinal);

        var forget = _cli.Run("forget-follower", "--library", _library, "--device", "phone");
        var again = _cli.Run("forget-follower", "--library", _library, "--device", "phone", "--json");
        var after = _cli.Run("vacuum", "--library", _library, "--json");

        Assert.Equal(0, forget.ExitCode);
        Assert.StartsWith("forgot follower phone: vacuum no longer waits for it", forget.Stdout, StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(again.Stdout).RootElement.GetProperty("was_known").GetBoolean());
        var released = JsonDocument.Parse(after.Stdout).RootElement;
        Assert.Equal((2, 3L), (released.GetProperty("removed").GetInt32(), released.GetProperty("through_sequence").GetInt64()));
        Assert.Equal(JsonValueKind.Null, released.GetProperty("held_back").ValueKind);
    }

    [Fact]
    public void Forget_follower_of_an_unknown_library_creates_nothing()
    {
        var unknown = Guid.NewGuid().ToString();

        var run = _cli.Run("forget-follower", "--library", unknown, "--device", "phone");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("unknown library", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_cli.DataDir, "libraries", unknown)));
    }
}
