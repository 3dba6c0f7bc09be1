using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class FollowerAckSpecs() : SyncLogSpec
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public async Task GetLogId_answers_the_log_id_stored_in_the_library_file()
    {
        Lead(_library);
        AppendOne(_library, Entry());
        var probe = CreateTestProbe();

        Supervisor.Tell(new GetLogId(_library), probe.Ref);

        var found = probe.ExpectMsg<LogIdFound>(Patience);
        Assert.Equal(_library, found.LibraryId);
        await using var file = await SyncLogDb.OpenAsync(_library, DataDir, new SyncLogDbOptions { ReadOnly = true });
        Assert.Equal(file.LogId, found.LogId);
    }

    [Fact]
    public void GetLogId_of_a_library_without_a_file_is_LibraryNotFound_and_creates_nothing()
    {
        var probe = CreateTestProbe();

        Supervisor.Tell(new GetLogId(_library), probe.Ref);

        probe.ExpectMsg<LibraryNotFound>(Patience);
        Assert.False(File.Exists(LibraryFile(_library)));
    }

    [Fact]
    public void An_ack_up_to_the_latest_sequence_is_acknowledged()
    {
        Lead(_library);
        AppendOne(_library, Entry(1));
        AppendOne(_library, Entry(2));
        var probe = CreateTestProbe();
        var followerLog = Guid.NewGuid();

        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, followerLog, 2), probe.Ref);

        Assert.Equal(new ReplicationAcknowledged(_library, OtherDevice, followerLog, 2), probe.ExpectMsg<ReplicationAcknowledged>(Patience));
    }

    [Fact]
    public void An_ack_above_the_latest_sequence_is_refused_as_invalid()
    {
        Lead(_library);
        AppendOne(_library, Entry());
        var probe = CreateTestProbe();

        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, Guid.NewGuid(), 2), probe.Ref);

        var refused = probe.ExpectMsg<InvalidRequest>(Patience);
        Assert.Contains("above this log's latest sequence 1", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ack_naming_this_hosts_own_device_is_refused()
    {
        Lead(_library);
        AppendOne(_library, Entry());
        var probe = CreateTestProbe();

        Supervisor.Tell(new AcknowledgeReplicated(_library, ThisDevice, Guid.NewGuid(), 1), probe.Ref);

        Assert.Equal(AcknowledgementRefusalReason.OwnDevice, probe.ExpectMsg<AcknowledgementRefused>(Patience).Reason);
    }

    [Theory]
    [InlineData("", "00000000-0000-0000-0000-000000000001", 0, "follower device id must not be empty")]
    [InlineData("device-b", "00000000-0000-0000-0000-000000000000", 0, "follower log id must not be the empty GUID")]
    [InlineData("device-b", "00000000-0000-0000-0000-000000000001", -1, "sequence must be 0 or more")]
    public void A_malformed_ack_is_refused_with_what_is_wrong(string device, string logId, long sequence, string reason)
    {
        var probe = CreateTestProbe();

        Supervisor.Tell(new AcknowledgeReplicated(_library, device, Guid.Parse(logId), sequence), probe.Ref);

        Assert.StartsWith(reason, probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ack_is_recorded_and_stats_show_the_follower_with_its_lag()
    {
        Lead(_library);
        for (var i = 0; i < 5; i++)
            AppendOne(_library, Entry(i));
        var probe = CreateTestProbe();
        var followerLog = Guid.NewGuid();

        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, followerLog, 3), probe.Ref);
        probe.ExpectMsg<ReplicationAcknowledged>(Patience);
        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, followerLog, 1), probe.Ref);

        Assert.Equal(3, probe.ExpectMsg<ReplicationAcknowledged>(Patience).AckedSequence);
        Supervisor.Tell(new GetStats(_library), probe.Ref);
        var stats = probe.ExpectMsg<Stats>(Patience).Value;
        var follower = Assert.Single(stats.Followers);
        Assert.Equal((OtherDevice, followerLog, 3L, 2L), (follower.DeviceId, follower.LogId, follower.AckedSequence, follower.LagBehind(stats.LatestSequence)));
    }

    [Fact]
    public void A_reset_devices_old_log_and_a_forgotten_devices_log_are_refused_with_the_reason()
    {
        Lead(_library);
        AppendOne(_library, Entry(1));
        AppendOne(_library, Entry(2));
        var probe = CreateTestProbe();
        var oldLog = Guid.NewGuid();
        var newLog = Guid.NewGuid();
        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, oldLog, 2), probe.Ref);
        probe.ExpectMsg<ReplicationAcknowledged>(Patience);
        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, newLog, 1), probe.Ref);
        Assert.Equal(1, probe.ExpectMsg<ReplicationAcknowledged>(Patience).AckedSequence);

        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, oldLog, 2), probe.Ref);
        Assert.Equal(AcknowledgementRefusalReason.Replaced, probe.ExpectMsg<AcknowledgementRefused>(Patience).Reason);

        Supervisor.Tell(new ForgetFollower(_library, OtherDevice), probe.Ref);
        Assert.Equal(new FollowerForgotten(_library, OtherDevice, WasKnown: true), probe.ExpectMsg<FollowerForgotten>(Patience));
        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, newLog, 2), probe.Ref);
        Assert.Equal(AcknowledgementRefusalReason.Forgotten, probe.ExpectMsg<AcknowledgementRefused>(Patience).Reason);
        Supervisor.Tell(new ForgetFollower(_library, OtherDevice), probe.Ref);
        Assert.False(probe.ExpectMsg<FollowerForgotten>(Patience).WasKnown);
    }

    [Fact]
    public void A_follower_side_host_records_acks_too()
    {
        Lead(_library, leader: OtherDevice);
        var probe = CreateTestProbe();
        Supervisor.Tell(new Replicate(_library, [Stored(1), Stored(2)], 1), probe.Ref);
        probe.ExpectMsg<Replicated>(Patience);

        Supervisor.Tell(new AcknowledgeReplicated(_library, "device-c", Guid.NewGuid(), 2), probe.Ref);

        Assert.Equal(2, probe.ExpectMsg<ReplicationAcknowledged>(Patience).AckedSequence);
    }

    [Fact]
    public void Acks_and_forgets_of_a_library_without_a_file_are_LibraryNotFound_and_create_nothing()
    {
        var probe = CreateTestProbe();

        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, Guid.NewGuid(), 0), probe.Ref);
        probe.ExpectMsg<LibraryNotFound>(Patience);
        Supervisor.Tell(new ForgetFollower(_library, OtherDevice), probe.Ref);
        probe.ExpectMsg<LibraryNotFound>(Patience);

        Assert.False(File.Exists(LibraryFile(_library)));
    }

    private static SyncLogEntry Stored(long sequence) =>
        new(0, sequence, OtherDevice, DateTimeOffset.UtcNow, "album", $"r{sequence}", ChangeType.Insert, 1, $$"""{"n":{{sequence}}}""");
}
