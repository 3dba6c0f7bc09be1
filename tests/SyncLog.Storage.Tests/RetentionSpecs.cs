namespace SyncLog.Storage.Tests;

// Vacuum that waits for followers: entries T0 + 0s .. T0 + 9s, sequences 1..10.
public sealed class RetentionSpecs : IDisposable
{
    private static readonly DateTimeOffset AfterAll = Entries.T0.AddDays(1);
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();
    private readonly Guid _phoneLog = Guid.NewGuid();
    private readonly Guid _tabletLog = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    private Task<SyncLogDb> OpenWithTen() => _dir.OpenWith(_library, 10);

    [Fact]
    public async Task Without_followers_vacuum_removes_by_age_alone()
    {
        await using var db = await OpenWithTen();

        var report = await db.VacuumAsync(new VacuumPolicy(Entries.T0.AddSeconds(4)));

        Assert.Equal(new VacuumReport(4, 4, null), report);
    }

    [Fact]
    public async Task A_lagging_follower_holds_back_expired_entries_and_is_named()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("phone", _phoneLog, 10);
        await db.AcknowledgeAsync("tablet", _tabletLog, 3);

        var report = await db.VacuumAsync(new VacuumPolicy(AfterAll));

        Assert.Equal(3, report.Removed);
        Assert.Equal(3, report.ThroughSequence);
        var hold = Assert.IsType<VacuumHold>(report.HeldBack);
        Assert.Equal((4L, 7L), (hold.FromSequence, hold.Entries));
        Assert.Equal("tablet", Assert.Single(hold.Followers).DeviceId);
        Assert.Equal([4L, 5, 6, 7, 8, 9, 10], Raw.Sequences(db.FilePath));
    }

    [Fact]
    public async Task The_lagging_followers_ack_releases_what_it_held()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("tablet", _tabletLog, 3);
        Assert.Equal(3, await db.VacuumOldEntriesAsync(AfterAll));

        await db.AcknowledgeAsync("tablet", _tabletLog, 8);

        var report = await db.VacuumAsync(new VacuumPolicy(AfterAll));
        Assert.Equal((5, 8L), (report.Removed, report.ThroughSequence!.Value));
        Assert.Equal((9L, 2L), (report.HeldBack!.FromSequence, report.HeldBack.Entries));
    }

    [Fact]
    public async Task An_entrys_own_old_timestamp_never_overrides_a_recent_ack()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("tablet", _tabletLog, 1);

        // Every entry is older than max-retention by its (client-written) timestamp, but the tablet acked just now.
        var report = await db.VacuumAsync(new VacuumPolicy(AfterAll, LostBefore: Entries.T0.AddSeconds(6)));

        Assert.Equal((1, 1L), (report.Removed, report.ThroughSequence!.Value));
        Assert.Equal((2L, 9L), (report.HeldBack!.FromSequence, report.HeldBack.Entries));
        Assert.Null(report.Lost);
        Assert.Equal(9, await db.CountAsync());
    }

    [Fact]
    public async Task A_follower_silent_past_max_retention_no_longer_holds_back_and_is_named_lost()
    {
        var db = await OpenWithTen();
        var file = db.FilePath;
        await db.AcknowledgeAsync("phone", _phoneLog, 6);
        await db.AcknowledgeAsync("tablet", _tabletLog, 2);
        await db.DisposeAsync();
        // The tablet's last ack was 100 days ago by this host's clock; the phone's was just now.
        Raw.Execute(file,
            $"UPDATE sync_log_followers SET updated_at = '{UtcTimestamp.ToText(DateTimeOffset.UtcNow.AddDays(-100))}' WHERE device_id = 'tablet'");
        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);
        var policy = new VacuumPolicy(AfterAll, LostBefore: DateTimeOffset.UtcNow.AddDays(-90));

        var plan = await reopened.PlanVacuumAsync(policy);
        var report = await reopened.VacuumAsync(policy);

        Assert.Equal((6, 6L, 7L), (report.Removed, report.ThroughSequence!.Value, report.HeldBack!.FromSequence));
        Assert.Equal("phone", Assert.Single(report.HeldBack.Followers).DeviceId);
        Assert.Equal(("tablet", 2L), (Assert.Single(report.Lost!).DeviceId, report.Lost![0].AckedSequence));
        Assert.Equal((6, "tablet"), (plan.Removed, Assert.Single(plan.Lost!).DeviceId));
    }

    [Fact]
    public async Task A_lost_follower_never_lets_entries_younger_than_before_go()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("tablet", _tabletLog, 1);

        // LostBefore after every ack: the tablet counts as lost, yet only entries older than Before go.
        var report = await db.VacuumAsync(new VacuumPolicy(Entries.T0.AddSeconds(2), LostBefore: AfterAll.AddYears(10)));

        Assert.Equal((2, 2L, null), (report.Removed, report.ThroughSequence!.Value, report.HeldBack));
        Assert.Equal("tablet", Assert.Single(report.Lost!).DeviceId);
    }

    [Fact]
    public async Task Forgetting_the_lagging_follower_releases_what_it_held()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("phone", _phoneLog, 10);
        await db.AcknowledgeAsync("tablet", _tabletLog, 2);
        Assert.Equal(2, await db.VacuumOldEntriesAsync(AfterAll));

        await db.ForgetFollowerAsync("tablet");

        Assert.Equal(new VacuumReport(8, 10, null), await db.VacuumAsync(new VacuumPolicy(AfterAll)));
    }

    [Fact]
    public async Task A_reset_device_holds_back_from_its_new_logs_ack_not_its_old_one()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("tablet", _tabletLog, 10);
        await db.AcknowledgeAsync("tablet", Guid.NewGuid(), 4);
        await db.AcknowledgeAsync("tablet", _tabletLog, 10); // stale, refused as Replaced

        var report = await db.VacuumAsync(new VacuumPolicy(AfterAll));

        Assert.Equal((4, 5L), (report.Removed, report.HeldBack!.FromSequence));
    }

    [Fact]
    public async Task This_hosts_own_device_never_holds_back_vacuum()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("laptop", Guid.NewGuid(), 1);

        var report = await db.VacuumAsync(new VacuumPolicy(AfterAll, OwnDeviceId: "laptop"));

        Assert.Equal(new VacuumReport(10, 10, null), report);
    }

    [Fact]
    public async Task A_plan_reports_what_the_vacuum_then_does_and_writes_nothing()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("tablet", _tabletLog, 6);
        var policy = new VacuumPolicy(Entries.T0.AddSeconds(8));

        var plan = await db.PlanVacuumAsync(policy);

        Assert.Equal(10, await db.CountAsync());
        Assert.Equal((6, 6L, 7L, 2L), (plan.Removed, plan.ThroughSequence!.Value, plan.HeldBack!.FromSequence, plan.HeldBack.Entries));
        var done = await db.VacuumAsync(policy);
        Assert.Equal((plan.Removed, plan.ThroughSequence, plan.HeldBack.FromSequence, plan.HeldBack.Entries),
            (done.Removed, done.ThroughSequence, done.HeldBack!.FromSequence, done.HeldBack.Entries));
    }

    [Fact]
    public async Task Vacuum_in_many_chunks_stops_at_the_lagging_followers_ack()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { VacuumChunkSize = 3 });
        await db.AppendBatchAsync(Entries.Many(10));
        await db.AcknowledgeAsync("tablet", _tabletLog, 7);

        Assert.Equal(7L, (await db.PlanVacuumAsync(new VacuumPolicy(AfterAll))).ThroughSequence);
        var report = await db.VacuumAsync(new VacuumPolicy(AfterAll));

        Assert.Equal((7, 8L, 3L), (report.Removed, report.HeldBack!.FromSequence, report.HeldBack.Entries));
    }
}
