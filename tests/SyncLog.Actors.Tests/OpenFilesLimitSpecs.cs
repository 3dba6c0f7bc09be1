using System.Diagnostics;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A host under a low open-files limit (<c>ulimit -n 512</c>, in a child process) touches 2,000 libraries (lead,
/// append, read each) without one failure: <c>synclog.max-open-libraries</c> keeps its files under the limit, where
/// without the cap it fails with "too many open files".
/// </summary>
public sealed class OpenFilesLimitSpecs : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "synclog-open-files", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Two_thousand_libraries_are_served_under_ulimit_512_with_the_cap_on()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var probe = Path.Combine(AppContext.BaseDirectory, "SyncLog.OpenFilesProbe.dll");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", "ulimit -n 512 && exec dotnet \"$@\"", "bash", probe, _dataDir, "2000", "48", "16" })
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the probe did not finish within 8 minutes");
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{output}");
        Assert.Contains("touched 2000 libraries, 0 failed, cap 48", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Too many open files", output, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
