using System.Diagnostics;

namespace SyncLog.Bench.Tests;

/// <summary>The bench refuses arguments it cannot honour before it runs a section or creates its work dir.</summary>
public sealed class BenchArgumentSpecs : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "synclog-bench-args", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("--scenario must be one of 1x1, 16x1, 64x1, 16x64, 16x640, batch, got 'nosuch'", "--scenario", "nosuch")]
    [InlineData("--rows must be 1 or more, got 0", "--rows", "0")]
    [InlineData("--libraries must be 1 or more, got -3", "--libraries", "-3")]
    [InlineData("--libraries-in-turn must be 1 or more, got 0", "--libraries-in-turn", "0")]
    [InlineData("--sections must be between 1 and 11, got 12", "--sections", "3", "12")]
    [InlineData("--rows must be a whole number between 1 and 2147483647, got 'abc'", "--rows", "abc")]
    [InlineData("--rows must be a whole number between 1 and 2147483647, got '99999999999'", "--rows", "99999999999")]
    [InlineData("--sections must be whole numbers between 1 and 11, got 'x'", "--sections", "3", "x")]
    [InlineData("unknown option or argument '--bogus'", "--bogus")]
    [InlineData("--scenario picks section 3's scenarios; add 3 to --sections or leave --scenario out", "--sections", "4", "--scenario", "16x640")]
    public async Task A_bad_argument_exits_1_naming_it_before_anything_runs(string expected, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "synclog-bench.dll"), .. args, "--work-dir", _dir])
            start.ArgumentList.Add(arg);
        using var bench = Process.Start(start)!;
        var stdout = bench.StandardOutput.ReadToEndAsync();
        var stderr = bench.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await bench.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            bench.Kill(entireProcessTree: true);
            Assert.Fail("the bench ran instead of refusing its arguments");
        }

        Assert.Equal(1, bench.ExitCode);
        // One line naming the option, as synclog's errors are: no .NET type names, no help text dumped after it.
        Assert.Equal($"synclog-bench: {expected} (see 'synclog-bench --help')", (await stderr).TrimEnd('\n'));
        Assert.Equal("", await stdout);
        Assert.False(Directory.Exists(_dir));
    }
}
