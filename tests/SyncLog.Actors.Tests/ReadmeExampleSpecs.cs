using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>The README's embedding snippet, run as written (but in a temp data dir), so the docs cannot drift.</summary>
public sealed class ReadmeExampleSpecs : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "synclog-readme", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task The_embedding_example_starts_leads_appends_fetches_and_catches_a_refusal()
    {
        StaleTermException? caught = null;

        await using var host = SyncLogHost.Start(ConfigurationFactory.ParseString($"""
            synclog.data-dir = {SyncLogConfig.Quote(_dataDir)}
            synclog.device-id = "laptop-7f3a"
            """));
        var log = host.Client; // typed asks: the result, or a SyncLogException subtype for each refusal

        var library = Guid.Parse("2f1c6a3e-9a55-4e0e-b3c1-7f7a0f6d1b2a");

        await log.ChangeLeadershipAsync(library, "laptop-7f3a", term: 1);

        var entry = new NewSyncLogEntry(DeviceId: "phone-19c2", Timestamp: DateTimeOffset.UtcNow, ModelType: "tag",
            RecordId: Guid.NewGuid().ToString(), ChangeType: ChangeType.Insert, Data: """{"name":"travel"}""");
        long sequence = await log.AppendAsync(library, entry);

        var page = await log.FetchSinceAsync(library, sequence: 0, limit: 1000);

        try
        {
            await log.AppendAsync(library, entry with { Data = """{"name":"holiday"}""" }, expectedTerm: 2);
        }
        catch (StaleTermException e)
        {
            caught = e;
        }

        Assert.Equal(1, sequence);
        Assert.Equal("""{"name":"travel"}""", Assert.Single(page.Entries).Data);
        Assert.Equal((1L, "laptop-7f3a"), (caught?.CurrentTerm, caught?.CurrentLeaderDeviceId));
        Assert.Equal(1, await log.GetLatestSequenceAsync(library));
        Assert.True(File.Exists(Path.Combine(_dataDir, "libraries", library.ToString(), "sync.db")));
        Assert.True(File.Exists(Path.Combine(_dataDir, "sync-host.db")));
    }
}
