using SyncLog.Storage.Schema;

namespace SyncLog.Storage.Tests;

public sealed class FollowerAckSpecs : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();
    private readonly Guid _phoneLog = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    private Task<SyncLogDb> OpenWith(int entries) => _dir.OpenWith(_library, entries);

    [Fact]
    public async Task A_first_ack_registers_the_follower_with_its_log_id()
    {
        await using var db = await OpenWith(5);

        Assert.Equal(new FollowerAckResult(FollowerAckOutcome.Recorded, 3), await db.AcknowledgeAsync("phone", _phoneLog, 3));

        var follower = Assert.Single(await db.FollowersAsync());
        Assert.Equal(("phone", _phoneLog, 3L), (follower.DeviceId, follower.LogId, follower.AckedSequence));
        Assert.Equal(2, follower.LagBehind(5));
        Assert.Equal(follower, Assert.Single((await db.StatsAsync()).Followers));
    }

    [Fact]
    public async Task Acks_only_move_forward_for_the_same_log_id()
    {
        await using var db = await OpenWith(5);
        await db.AcknowledgeAsync("phone", _phoneLog, 4);

        var late = await db.AcknowledgeAsync("phone", _phoneLog, 2);

        Assert.Equal(new FollowerAckResult(FollowerAckOutcome.Recorded, 4), late);
        Assert.Equal(4, Assert.Single(await db.FollowersAsync()).AckedSequence);
    }

    [Fact]
    public async Task An_ack_above_the_latest_sequence_is_refused_and_writes_nothing()
    {
        await using var db = await OpenWith(5);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.AcknowledgeAsync("phone", _phoneLog, 6));

        Assert.Contains("above this log's latest sequence 5", error.Message, StringComparison.Ordinal);
        Assert.Empty(await db.FollowersAsync());
    }

    [Fact]
    public async Task A_reset_device_replaces_its_record_and_its_old_logs_acks_never_count_again()
    {
        await using var db = await OpenWith(10);
        await db.AcknowledgeAsync("phone", _phoneLog, 9);
        var newLog = Guid.NewGuid();

        Assert.Equal(new FollowerAckResult(FollowerAckOutcome.Recorded, 2), await db.AcknowledgeAsync("phone", newLog, 2));
        // A message the old log sent before the reset, arriving late: it must not lift the device back to 10.
        Assert.Equal(FollowerAckOutcome.Replaced, (await db.AcknowledgeAsync("phone", _phoneLog, 10)).Outcome);

        var follower = Assert.Single(await db.FollowersAsync());
        Assert.Equal((newLog, 2L), (follower.LogId, follower.AckedSequence));
    }

    [Fact]
    public async Task A_forgotten_devices_log_does_not_count_and_a_new_log_registers_the_device_again()
    {
        await using var db = await OpenWith(5);
        await db.AcknowledgeAsync("phone", _phoneLog, 3);

        Assert.True(await db.ForgetFollowerAsync("phone"));
        Assert.Empty(await db.FollowersAsync());
        Assert.Equal(new FollowerAckResult(FollowerAckOutcome.Forgotten, 0), await db.AcknowledgeAsync("phone", _phoneLog, 5));
        Assert.Empty(await db.FollowersAsync());

        var reset = Guid.NewGuid();
        Assert.Equal(FollowerAckOutcome.Recorded, (await db.AcknowledgeAsync("phone", reset, 1)).Outcome);
        Assert.Equal(reset, Assert.Single(await db.FollowersAsync()).LogId);
    }

    [Fact]
    public async Task Forgetting_an_unknown_device_says_so()
    {
        await using var db = await OpenWith(1);

        Assert.False(await db.ForgetFollowerAsync("never-seen"));
    }

    [Fact]
    public async Task Acks_and_tombstones_survive_a_reopen()
    {
        var laptopLog = Guid.NewGuid();
        await using (var db = await OpenWith(5))
        {
            await db.AcknowledgeAsync("phone", _phoneLog, 3);
            await db.AcknowledgeAsync("laptop", laptopLog, 5);
            await db.ForgetFollowerAsync("laptop");
        }

        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path);

        var phone = Assert.Single(await reopened.FollowersAsync());
        Assert.Equal(("phone", _phoneLog, 3L), (phone.DeviceId, phone.LogId, phone.AckedSequence));
        Assert.Equal(FollowerAckOutcome.Forgotten, (await reopened.AcknowledgeAsync("laptop", laptopLog, 5)).Outcome);
    }

    [Theory]
    [InlineData("", "00000000-0000-0000-0000-000000000001", 1, "follower device id must not be empty")]
    [InlineData("phone", "00000000-0000-0000-0000-000000000000", 1, "follower log id must not be the empty GUID")]
    [InlineData("phone", "00000000-0000-0000-0000-000000000001", -1, "sequence must be 0 or more")]
    public async Task A_malformed_ack_is_refused_with_what_is_wrong(string device, string logId, long sequence, string reason)
    {
        await using var db = await OpenWith(1);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => db.AcknowledgeAsync(device, Guid.Parse(logId), sequence));

        Assert.StartsWith(reason, EntryValidator.ReasonOf(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_6_file_gets_the_follower_tables_and_keeps_its_log_id()
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = Raw.Open(path, readOnly: false))
            Migrator.Migrate(connection, path, targetVersion: 6);
        var logId = (string)Raw.Scalar(path, "SELECT log_id FROM sync_log_identity")!;

        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);

        Assert.Equal((long)Migrations.LatestVersion, Raw.Scalar(path, "PRAGMA user_version"));
        Assert.Equal(Guid.Parse(logId), db.LogId);
        Assert.Empty(await db.FollowersAsync());
        Assert.Equal(0L, Raw.Scalar(path, "SELECT COUNT(*) FROM sync_log_retired_logs"));
    }
}
