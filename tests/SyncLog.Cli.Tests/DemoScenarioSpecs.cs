using System.Diagnostics;
using Akka.Configuration;
using SyncLog.Actors;
using SyncLog.Cli.Demo;

namespace SyncLog.Cli.Tests;

/// <summary>
/// The demo's scenario on Ctrl-C: it must stop its hosts and its NAS process before it ends, or <c>demo --temp</c>
/// removes its temp dir while they still write there, and they create it again.
/// </summary>
public sealed class DemoScenarioSpecs : IDisposable
{
    private readonly Synclog _cli = new();

    [Fact]
    public async Task A_cancelled_scenario_ends_with_its_hosts_stopped_and_its_nas_process_gone()
    {
        using var stop = new CancellationTokenSource();
        var scenario = new DemoScenario(_cli.DataDir, ConfigurationFactory.ParseString("""
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """), line =>
        {
            // Mid-run: every device is up, the NAS process follows the laptop and producers are about to start.
            if (line.Contains("imported", StringComparison.Ordinal))
                stop.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scenario.RunAsync(stop.Token));

        // Every device's data dir is free again at once: no host of the scenario still holds (and writes) it.
        foreach (var dir in new[] { _cli.DataDir, Path.Combine(_cli.DataDir, "demo-devices", "phone"), Path.Combine(_cli.DataDir, "demo-devices", "desktop") })
        {
            await using var host = SyncLogHost.Start(ConfigurationFactory.ParseString($"""
                synclog.data-dir = {SyncLogConfig.Quote(dir)}
                synclog.data-dir-env = ""
                akka.loglevel = OFF
                akka.stdout-loglevel = OFF
                """));
        }

        Assert.DoesNotContain(Process.GetProcesses(), p => Running(p) && CommandLine(p).Contains(_cli.DataDir, StringComparison.Ordinal));
    }

    public void Dispose() => _cli.Dispose();

    // A killed child may linger as a zombie until reaped: it no longer runs, so it writes nothing.
    private static bool Running(Process process)
    {
        try
        {
            return !File.ReadAllText($"/proc/{process.Id}/stat").Split(") ")[^1].StartsWith('Z');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string CommandLine(Process process)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
