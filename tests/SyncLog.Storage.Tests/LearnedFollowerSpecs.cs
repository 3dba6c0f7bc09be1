using SyncLog.Storage.Schema;

namespace SyncLog.Storage.Tests;

// Handover: what a host learned about another leader's followers holds back its vacuum until they ack it. Entries
// T0 + 0s .. T0 + 9s, sequences 1..10, all older than the policy's retention cut-off.
public sealed class LearnedFollowerSpecs : IDisposable
{
    private static readonly DateTimeOffset AfterAll = Entries.T0.AddDays(1);
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();
    private readonly Guid _phoneLog = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    private static VacuumPolicy Policy => new(AfterAll, DateTimeOffset.UtcNow.AddDays(-90), "device-b");

    private Task<SyncLogDb> OpenWithTen() => _dir.OpenWith(_library, 10);

    private static KnownFollower Known(string device, long acked, DateTimeOffset? lastAck = null) =>
        new(device, acked, lastAck ?? DateTimeOffset.UtcNow.AddMinutes(-5));

    [Fact]
    public async Task A_version_7_file_gets_the_learned_followers_table_and_keeps_its_acks()
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = Raw.Open(path, readOnly: false))
            Migrator.Migrate(connection, path, targetVersion: 7);
        Raw.Execute(path, $"""
            INSERT INTO sync_log_followers (device_id, log_id, acked_sequence, updated_at)
            VALUES ('phone', '{_phoneLog:D}', 0, '2026-11-27T10:00:00.0000000Z')
            """);
        Assert.Equal(0L, Raw.Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sync_log_learned_followers'"));

        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.Equal((long)Migrations.LatestVersion, Raw.Scalar(path, "PRAGMA user_version"));
        var phone = Assert.Single(await db.FollowersAsync());
        Assert.Equal(("phone", _phoneLog, 0L), (phone.DeviceId, phone.LogId, phone.AckedSequence));
        Assert.Equal(0L, Raw.Scalar(path, "SELECT COUNT(*) FROM sync_log_learned_followers"));
        Assert.Equal(1, (await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("laptop", 0)])).Stored);
    }

    [Fact]
    public async Task Each_report_replaces_the_whole_learned_set_and_this_hosts_own_device_is_never_stored()
    {
        await using var db = await OpenWithTen();
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("phone", 3), Known("laptop", 5)], ownDeviceId: "device-b");

        // The leader's latest view: it forgot the phone, and it reports this host (device-b) among its followers.
        var stored = await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("laptop", 7), Known("device-b", 10)], ownDeviceId: "device-b");

        Assert.Equal(new LearnedFollowersResult(IsStale: false, 1, 1), stored);
        var laptop = Assert.Single((await db.StatsAsync()).LearnedFollowers!);
        Assert.Equal(("laptop", 7L, "device-a"), (laptop.DeviceId, laptop.AckedSequence, laptop.LearnedFrom));
        Assert.Equal(3, laptop.LagBehind(10));
        Assert.Empty((await db.StatsAsync()).Followers);
        Assert.Equal(1L, Raw.Scalar(db.FilePath, "SELECT COUNT(*) FROM sync_log_learned_followers"));
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [], ownDeviceId: "device-b");
        Assert.Empty((await db.StatsAsync()).LearnedFollowers!);
    }

    [Fact]
    public async Task A_learned_follower_holds_back_vacuum_at_its_acked_sequence_and_is_named_apart_from_acks()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("tablet", Guid.NewGuid(), 6);
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("phone", 3)]);

        var plan = await db.PlanVacuumAsync(Policy);
        var report = await db.VacuumAsync(Policy);

        Assert.Equal(plan, report with { HeldBack = plan.HeldBack });
        Assert.Equal((3, 3L), (report.Removed, report.ThroughSequence!.Value));
        Assert.Equal((4L, 7L), (report.HeldBack!.FromSequence, report.HeldBack.Entries));
        Assert.Empty(report.HeldBack.Followers);
        var learned = Assert.Single(report.HeldBack.LearnedFollowers!);
        Assert.Equal(("phone", 3L, "device-a"), (learned.DeviceId, learned.AckedSequence, learned.LearnedFrom));
        Assert.Equal(plan.HeldBack!.LearnedFollowers!, report.HeldBack.LearnedFollowers!);
        Assert.Equal([4L, 5, 6, 7, 8, 9, 10], Raw.Sequences(db.FilePath));
    }

    [Fact]
    public async Task A_newer_ack_to_this_host_supersedes_the_learned_row_and_an_older_one_does_not()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("phone", _phoneLog, 8);
        // This host's ack of the phone is two hours old; its leader heard from the phone an hour ago, at sequence 2
        // (a reset phone, or one this host led long ago): the newer word holds.
        var twoHoursAgo = UtcTimestamp.ToText(DateTimeOffset.UtcNow.AddHours(-2));
        Raw.Execute(db.FilePath, $"UPDATE sync_log_followers SET updated_at = '{twoHoursAgo}' WHERE device_id = 'phone'");
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("phone", 2, DateTimeOffset.UtcNow.AddHours(-1))]);

        var held = await db.PlanVacuumAsync(Policy);

        Assert.Equal(2, held.Removed);
        Assert.Equal("phone", Assert.Single(held.HeldBack!.LearnedFollowers!).DeviceId);
        Assert.Equal("phone", Assert.Single((await db.StatsAsync()).LearnedFollowers!).DeviceId);

        // The phone acks this host now: newer than what was learned, so this host's own ack is the truth.
        await db.AcknowledgeAsync("phone", _phoneLog, 9);

        var report = await db.VacuumAsync(Policy);
        Assert.Equal((9, 9L), (report.Removed, report.ThroughSequence!.Value));
        Assert.Null(report.HeldBack!.LearnedFollowers);
        Assert.Equal("phone", Assert.Single(report.HeldBack.Followers).DeviceId);
        Assert.Empty((await db.StatsAsync()).LearnedFollowers!);
        Assert.Equal([new KnownFollower("phone", 9, Assert.Single(await db.FollowersAsync()).LastAckAt)], await db.VouchedFollowersAsync());
    }

    [Fact]
    public async Task A_last_ack_ahead_of_this_hosts_clock_is_kept_as_the_time_it_was_learned_so_an_ack_still_supersedes_it()
    {
        await using var db = await OpenWithTen();
        // The leader's clock runs years ahead: taken as is, no ack to this host would supersede the row, and max-retention
        // would not count it lost for years past that either.
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("phone", 2, DateTimeOffset.UtcNow.AddYears(10))]);
        Assert.True(Assert.Single((await db.StatsAsync()).LearnedFollowers!).LastAckAt <= DateTimeOffset.UtcNow);

        await db.AcknowledgeAsync("phone", _phoneLog, 9);

        var report = await db.VacuumAsync(Policy);
        Assert.Equal((9, 9L), (report.Removed, report.ThroughSequence!.Value));
        Assert.Null(report.HeldBack!.LearnedFollowers);
        Assert.Empty((await db.StatsAsync()).LearnedFollowers!);
    }

    [Fact]
    public async Task ForgetFollower_drops_the_learned_row_and_says_the_device_was_known()
    {
        await using var db = await OpenWithTen();
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("phone", 1), Known("laptop", 10)]);

        Assert.True(await db.ForgetFollowerAsync("phone"));

        Assert.Equal(10, (await db.VacuumAsync(Policy)).Removed);
        Assert.Equal("laptop", Assert.Single((await db.StatsAsync()).LearnedFollowers!).DeviceId);
        Assert.False(await db.ForgetFollowerAsync("phone"));
        // Only a real record has a log id to retire: a later ack of the phone registers it.
        Assert.Equal(FollowerAckOutcome.Recorded, (await db.AcknowledgeAsync("phone", _phoneLog, 10)).Outcome);
    }

    [Fact]
    public async Task A_learned_follower_silent_longer_than_max_retention_is_lost_and_holds_nothing()
    {
        await using var db = await OpenWithTen();
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("phone", 0, DateTimeOffset.UtcNow.AddDays(-100)), Known("laptop", 4)]);

        var report = await db.VacuumAsync(Policy);

        Assert.Equal(4, report.Removed);
        Assert.Equal("phone", Assert.Single(report.LostLearned!).DeviceId);
        Assert.Null(report.Lost);
        Assert.Equal("laptop", Assert.Single(report.HeldBack!.LearnedFollowers!).DeviceId);
        // Without a max-retention nobody is lost: the phone holds everything.
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("phone", 4, DateTimeOffset.UtcNow.AddDays(-100))]);
        Assert.Equal(0, (await db.PlanVacuumAsync(new VacuumPolicy(AfterAll))).Removed);
    }

    [Fact]
    public async Task This_hosts_own_device_never_holds_back_vacuum_even_if_stored()
    {
        await using var db = await OpenWithTen();
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("device-b", 0)]);

        Assert.Equal(10, (await db.PlanVacuumAsync(Policy)).Removed);
        Assert.Equal(0, (await db.PlanVacuumAsync(new VacuumPolicy(AfterAll))).Removed);
    }

    [Fact]
    public async Task VouchedFollowers_lists_this_hosts_acks_then_the_learned_rows_that_still_count()
    {
        await using var db = await OpenWithTen();
        await db.AcknowledgeAsync("tablet", Guid.NewGuid(), 6);
        var lastAck = DateTimeOffset.UtcNow.AddMinutes(-5);
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("phone", 3, lastAck), Known("tablet", 2, lastAck)]);

        var vouched = await db.VouchedFollowersAsync();

        var tablet = Assert.Single(await db.FollowersAsync());
        Assert.Equal([new KnownFollower("tablet", 6, tablet.LastAckAt), new KnownFollower("phone", 3, lastAck)], vouched);
    }

    [Theory]
    [InlineData("", "phone", 1, "leader device id must not be empty")]
    [InlineData("device-a", " ", 1, "follower device id must not be empty")]
    [InlineData("device-a", "phone", -1, "sequence must be 0 or more")]
    [InlineData("device-a", "twice", 1, "follower device 'twice' appears twice")]
    public async Task A_malformed_report_is_refused_and_keeps_what_was_learned(string leader, string device, long acked, string reason)
    {
        await using var db = await OpenWithTen();
        await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("laptop", 4)]);
        IReadOnlyList<KnownFollower> followers = device == "twice" ? [Known(device, 1), Known(device, 2)] : [Known(device, acked)];

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => db.ReplaceLearnedFollowersAsync(leader, 1, followers));

        Assert.StartsWith(reason, EntryValidator.ReasonOf(error), StringComparison.Ordinal);
        Assert.Equal("laptop", Assert.Single((await db.StatsAsync()).LearnedFollowers!).DeviceId);
    }

    [Fact]
    public async Task A_version_8_file_gets_a_learned_term_of_0_and_keeps_its_learned_rows()
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = Raw.Open(path, readOnly: false))
            Migrator.Migrate(connection, path, targetVersion: 8);
        Raw.Execute(path, """
            INSERT INTO sync_log_learned_followers (device_id, acked_sequence, last_ack_at, learned_from, learned_at)
            VALUES ('phone', 0, '2026-11-27T10:00:00.0000000Z', 'device-a', '2026-11-27T10:00:00.0000000Z')
            """);

        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.Equal(9L, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.Equal(0L, Raw.Scalar(path, "SELECT learned_term FROM sync_log_state"));
        Assert.Equal("phone", Assert.Single((await db.StatsAsync()).LearnedFollowers!).DeviceId);
    }

    [Fact]
    public async Task A_report_of_an_older_term_is_stale_and_leaves_the_learned_set_and_term_unchanged()
    {
        await using var db = await OpenWithTen();
        Assert.False((await db.ReplaceLearnedFollowersAsync("device-c", 3, [Known("laptop", 4)])).IsStale);

        // The deposed leader of term 2 reports a set that would drop the laptop.
        var stale = await db.ReplaceLearnedFollowersAsync("device-a", 2, [Known("phone", 1)]);

        Assert.Equal(new LearnedFollowersResult(IsStale: true, 0, 3), stale);
        var laptop = Assert.Single((await db.StatsAsync()).LearnedFollowers!);
        Assert.Equal(("laptop", 4L, "device-c"), (laptop.DeviceId, laptop.AckedSequence, laptop.LearnedFrom));
        Assert.Equal(3L, Raw.Scalar(db.FilePath, "SELECT learned_term FROM sync_log_state"));
        Assert.Equal(4, (await db.PlanVacuumAsync(Policy)).Removed);
    }

    [Fact]
    public async Task A_report_of_the_same_or_a_higher_term_replaces_and_the_term_outlives_an_empty_set_and_a_reopen()
    {
        await using (var db = await OpenWithTen())
        {
            await db.ReplaceLearnedFollowersAsync("device-a", 2, [Known("phone", 1)]);
            Assert.Equal(new LearnedFollowersResult(IsStale: false, 1, 2), await db.ReplaceLearnedFollowersAsync("device-a", 2, [Known("laptop", 2)]));
            Assert.Equal(new LearnedFollowersResult(IsStale: false, 0, 5), await db.ReplaceLearnedFollowersAsync("device-c", 5, []));
        }

        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.True((await reopened.ReplaceLearnedFollowersAsync("device-a", 4, [Known("phone", 0)])).IsStale);
        Assert.Empty((await reopened.StatsAsync()).LearnedFollowers!);
    }

    [Fact]
    public async Task A_report_with_a_term_below_1_is_refused()
    {
        await using var db = await OpenWithTen();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => db.ReplaceLearnedFollowersAsync("device-a", 0, [Known("phone", 1)]));

        Assert.StartsWith("leader term must be at least 1", EntryValidator.ReasonOf(error), StringComparison.Ordinal);
        Assert.Empty((await db.StatsAsync()).LearnedFollowers!);
    }

    [Fact]
    public async Task Learned_followers_survive_a_reopen_and_are_read_by_a_read_only_open()
    {
        await using (var db = await OpenWithTen())
            await db.ReplaceLearnedFollowersAsync("device-a", 1, [Known("phone", 3)]);

        await using var reader = await SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { ReadOnly = true });

        Assert.Equal(3, (await reader.PlanVacuumAsync(Policy)).Removed);
        Assert.Equal("phone", Assert.Single((await reader.StatsAsync()).LearnedFollowers!).DeviceId);
    }
}
