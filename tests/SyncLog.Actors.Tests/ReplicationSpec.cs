using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Base of the replication specs: this spec's host leads a library (device-a) and a second host on a data dir of its
/// own (device-b) is told so, ready to be sent the leader's pages by hand.
/// </summary>
public abstract class ReplicationSpec : SyncLogSpec, IAsyncLifetime
{
    private readonly string _followerDir = NewDataDir();

    protected Guid Library { get; } = Guid.NewGuid();

    protected SyncLogHost Follower { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Follower = SyncLogHost.Start(ConfigFor(_followerDir, OtherDevice), "follower");
        Lead(Library);
        Assert.IsType<LeadershipAck>(await Follower.AskAsync(new LeadershipChanged(Library, ThisDevice, 1)));
    }

    public async Task DisposeAsync()
    {
        await Follower.DisposeAsync();
        Directory.Delete(_followerDir, recursive: true);
    }

    /// <summary>Appends <paramref name="count"/> entries on the leader in one batch, stamped <paramref name="at"/> (now by default).</summary>
    protected void AppendMany(int count, DateTimeOffset? at = null)
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new AppendBatch(Library, Enumerable.Range(0, count).Select(i => Entry(i, at: at)).ToList()), probe.Ref);
        probe.ExpectMsg<BatchAppended>(Patience);
    }

    /// <summary>
    /// Appends <paramref name="expired"/> entries stamped 40 days ago, then <paramref name="fresh"/> new ones, and vacuums
    /// what is older than 30 days: the leader's log then starts after sequence <paramref name="expired"/>.
    /// </summary>
    protected void AppendThenVacuumExpired(int expired, int fresh)
    {
        AppendMany(expired, at: DateTimeOffset.UtcNow.AddDays(-40));
        AppendMany(fresh);
        var probe = CreateTestProbe();
        Supervisor.Tell(new VacuumOldEntries(Library, DateTimeOffset.UtcNow.AddDays(-30)), probe.Ref);
        Assert.Equal(expired, probe.ExpectMsg<Vacuumed>(Patience).Removed);
    }

    /// <summary>The leader's entries after <paramref name="since"/>, one page of at most 1000.</summary>
    protected IReadOnlyList<SyncLogEntry> LeaderPage(long since) => LeaderPageResult(since).Entries;

    /// <summary>The leader's page after <paramref name="since"/> with its truncation and vacuum floor.</summary>
    protected FetchResult LeaderPageResult(long since)
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new FetchSince(Library, since, 1000), probe.Ref);
        return probe.ExpectMsg<Fetched>(Patience).Result;
    }
}
