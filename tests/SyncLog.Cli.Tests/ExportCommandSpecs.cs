namespace SyncLog.Cli.Tests;

/// <summary><c>synclog export -o</c>: the output file appears only when the export finished, through no temporary file left behind.</summary>
public sealed class ExportCommandSpecs : CliSpec
{
    [Fact]
    public void A_failed_export_leaves_no_file_and_a_finished_one_no_temporary_file()
    {
        Leader.Lead(Library);
        var old = DateTimeOffset.UtcNow.AddDays(-40).ToString("O");
        var file = Leader.WriteFile(
            $$"""{"device_id":"laptop","timestamp":"{{old}}","model_type":"tag","record_id":"t-1","change_type":"insert","data":{} }""",
            """{"device_id":"laptop","model_type":"tag","record_id":"t-2","change_type":"insert","data":{}}""");
        Assert.Equal(0, Leader.Run("append", "--library", Library, "--file", file).ExitCode);
        Assert.Equal(0, Leader.Run("vacuum", "--library", Library, "--older-than", "30d").ExitCode);
        var dir = Path.Combine(Path.GetTempPath(), "synclog-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var failed = Leader.Run("export", "--library", Library, "--since", "0", "-o", Path.Combine(dir, "failed.jsonl"));
            var done = Leader.Run("export", "--library", Library, "-o", Path.Combine(dir, "done.jsonl"));

            Assert.Equal(1, failed.ExitCode);
            Assert.Contains("were vacuumed", failed.Stderr, StringComparison.Ordinal);
            Assert.True(done.ExitCode == 0, done.Stderr);
            Assert.Contains("exported 1 entry to", done.Stderr, StringComparison.Ordinal);
            Assert.Equal(["done.jsonl"], Directory.GetFiles(dir).Select(Path.GetFileName));
            Assert.Single(File.ReadAllLines(Path.Combine(dir, "done.jsonl")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
