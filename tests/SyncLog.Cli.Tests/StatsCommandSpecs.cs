namespace SyncLog.Cli.Tests;

/// <summary><c>synclog stats</c> and <c>synclog fetch</c> as text: the same figures as their JSON, in plain English.</summary>
public sealed class StatsCommandSpecs : CliSpec
{
    [Fact]
    public void Stats_says_vacuumed_through_0_like_its_json_and_counts_read_1_entry()
    {
        Leader.Lead(Library);
        ImportSpecs.Append(Leader, Library, 1);

        var stats = Leader.Run("stats", "--library", Library);
        var fetch = Leader.Run("fetch", "--library", Library);

        Assert.Matches(@"vacuumed through\s+│?\s*0\b", stats.Stdout);
        Assert.Contains("1 entry; latest sequence 1", fetch.Stdout, StringComparison.Ordinal);
        // The per-model counts under a heading of their own, not under the file size.
        Assert.Matches(@"file size[^\n]*\n\s*entries per model[^\n]*\n\s+tag\s+│?\s*1\b", stats.Stdout);
    }
}
