using System.Diagnostics;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class CrashSpecs : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "synclog-crash", Guid.NewGuid().ToString("N"));
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Every_acknowledged_append_survives_the_host_process_being_killed()
    {
        var acked = await RunProbeUntilKilledAsync(acknowledgements: 500);

        await using var db = await SyncLogDb.OpenAsync(_library, _dataDir);
        var stored = (await db.FetchSinceAsync(0, SyncLogDb.MaxFetchLimit)).Entries.ToDictionary(e => e.Sequence);
        Assert.All(acked, a => Assert.Equal(a.Record, stored[a.Sequence].RecordId));
        // No hole and no reuse: whatever committed after the last ack printed simply follows it.
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Keys.Order());
        Assert.Equal(stored.Count + 1, await db.AppendAsync(new NewSyncLogEntry("after", DateTimeOffset.UtcNow, "tag", "r", ChangeType.Insert, "{}")));
    }

    private async Task<List<(long Sequence, string Record)>> RunProbeUntilKilledAsync(int acknowledgements)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "SyncLog.CrashProbe.dll"), _dataDir, _library.ToString() })
            start.ArgumentList.Add(arg);
        using var probe = Process.Start(start)!;
        var acked = new List<(long, string)>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (acked.Count < acknowledgements)
            {
                var line = await probe.StandardOutput.ReadLineAsync(timeout.Token)
                           ?? throw new InvalidOperationException("probe exited: " + await probe.StandardError.ReadToEndAsync());
                var parts = line.Split(' ');
                acked.Add((long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2]));
            }
        }
        finally
        {
            // SIGKILL: no shutdown hooks, no dispose, no checkpoint; the OS releases the file locks.
            probe.Kill(entireProcessTree: true);
            await probe.WaitForExitAsync();
        }

        return acked;
    }
}
