using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>The README's embedding snippet, run as written (but in a temp data dir), so the docs cannot drift.</summary>
public sealed class ReadmeExampleSpecs : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "synclog-readme", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task The_embedding_example_starts_leads_appends_and_fetches()
    {
        await using var host = SyncLogHost.Start(ConfigurationFactory.ParseString($"""
            synclog.data-dir = {SyncLogConfig.Quote(_dataDir)}
            synclog.device-id = "laptop-7f3a"
            """));

        var library = Guid.Parse("2f1c6a3e-9a55-4e0e-b3c1-7f7a0f6d1b2a");

        await host.AskAsync(new LeadershipChanged(library, "laptop-7f3a", Term: 1));

        var appended = (Appended)await host.AskAsync(new Append(library, new NewSyncLogEntry(
            DeviceId: "phone-19c2", Timestamp: DateTimeOffset.UtcNow, ModelType: "tag",
            RecordId: Guid.NewGuid().ToString(), ChangeType: ChangeType.Insert, Data: """{"name":"travel"}""")));

        var page = ((Fetched)await host.AskAsync(new FetchSince(library, Sequence: 0, Limit: 1000))).Result;

        Assert.Equal(1, appended.Sequence);
        Assert.Equal("""{"name":"travel"}""", Assert.Single(page.Entries).Data);
        Assert.True(File.Exists(Path.Combine(_dataDir, "libraries", library.ToString(), "sync.db")));
        Assert.True(File.Exists(Path.Combine(_dataDir, "sync-host.db")));
    }
}
