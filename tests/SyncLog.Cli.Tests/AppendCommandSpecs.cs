namespace SyncLog.Cli.Tests;

/// <summary><c>synclog append --file</c>: a file of entries is appended whole or, when refused, not at all.</summary>
public sealed class AppendCommandSpecs : CliSpec
{
    [Fact]
    public void An_append_file_repeating_an_idempotency_key_is_refused_naming_both_lines_and_writes_nothing()
    {
        Leader.Lead(Library);
        var different = Leader.WriteFile(Line("a", "k1"), Line("b", "k2"), Line("c", "k1", n: 2));
        var identical = Leader.WriteFile(Line("a", "k1"), Line("a", "k1"));

        var refused = Leader.Run("append", "--library", Library, "--file", different);
        var alsoRefused = Leader.Run("append", "--library", Library, "--file", identical);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("lines 1 and 3 share idempotency_key 'k1'", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, alsoRefused.ExitCode);
        Assert.Contains("lines 1 and 2 share idempotency_key 'k1'", alsoRefused.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Leader.Latest(Library));
    }

    private static string Line(string record, string key, int n = 1) =>
        $$"""{"device_id":"laptop","model_type":"tag","record_id":"{{record}}","change_type":"insert","data":{"n":{{n}}},"idempotency_key":"{{key}}"}""";
}
