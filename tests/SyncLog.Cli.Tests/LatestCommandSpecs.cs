using System.Text.Json;

namespace SyncLog.Cli.Tests;

/// <summary><c>synclog latest</c> without <c>--library</c>: every library's latest sequence, and the ones it could not read.</summary>
public sealed class LatestCommandSpecs : CliSpec
{
    [Fact]
    public void Latest_of_every_library_lists_the_healthy_ones_and_names_the_unreadable_one()
    {
        var broken = Guid.NewGuid().ToString();
        Leader.Lead(Library);
        Leader.Lead(broken);
        File.WriteAllBytes(Path.Combine(Leader.DataDir, "libraries", broken, "sync.db"), new byte[8192]);

        var run = Leader.Run("latest");
        var json = Leader.Run("latest", "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(Library, run.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("synclog: 1 of 2 libraries could not be read: " + broken, run.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var rows = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(0, rows.Single(r => r.GetProperty("library_id").GetString() == Library).GetProperty("latest_sequence").GetInt64());
        Assert.True(rows.Single(r => r.GetProperty("library_id").GetString() == broken).TryGetProperty("error", out _));
    }
}
