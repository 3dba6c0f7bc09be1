using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Hosting.Tests;

/// <summary>The typed client against a real hosted log: results on success, one exception type per refusal.</summary>
public sealed class ClientSpecs(ITestOutputHelper output) : SyncLogHostedSpec(output)
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public async Task Every_request_returns_what_its_reply_carries()
    {
        var client = Client;
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);

        Assert.Equal(1, await client.ChangeLeadershipAsync(_library, ThisDevice, term: 1));
        var leadership = await client.GetLeadershipAsync(_library);
        Assert.Equal((ThisDevice, 1L, true), (leadership.LeaderDeviceId, leadership.Term, leadership.IsThisDevice));

        Assert.Equal(1, await client.AppendAsync(_library, Entry(1, record: "r1"), expectedTerm: 1));
        Assert.Equal([2L, 3L], await client.AppendBatchAsync(_library, [Entry(2, device: OtherDevice), Entry(3, record: "r1")]));
        Assert.Equal(3, await client.GetLatestSequenceAsync(_library));

        var page = await client.FetchSinceAsync(_library, sequence: 1, limit: 10);
        Assert.Equal([2L, 3L], page.Entries.Select(e => e.Sequence));
        Assert.Equal(3, page.LatestSequence);
        Assert.Equal([2L], (await client.FetchByDeviceAsync(_library, OtherDevice, 0, 10)).Select(e => e.Sequence));
        Assert.Equal([1L, 3L], (await client.FetchByRecordAsync(_library, "album", "r1", 10)).Select(e => e.Sequence));
        Assert.Equal(3, (await client.FetchByTimeRangeAsync(_library, start, DateTimeOffset.UtcNow.AddMinutes(1), 10)).Count);
        Assert.Equal(3, (await client.GetStatsAsync(_library)).Count);

        Assert.Equal(3, await client.VacuumOldEntriesAsync(_library, DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.True((await client.FetchSinceAsync(_library, 0, 10)).IsTruncated);
    }

    [Fact]
    public async Task Follower_acks_hold_back_vacuum_through_the_client_and_a_refused_ack_throws()
    {
        var client = Client;
        await client.ChangeLeadershipAsync(_library, ThisDevice, term: 1);
        await client.AppendBatchAsync(_library, [Entry(1, at: DateTimeOffset.UtcNow.AddDays(-40)), Entry(2, at: DateTimeOffset.UtcNow.AddDays(-40))]);
        var phoneLog = Guid.NewGuid();

        Assert.NotEqual(Guid.Empty, await client.GetLogIdAsync(_library));
        Assert.Equal(1, await client.AcknowledgeReplicatedAsync(_library, OtherDevice, phoneLog, 1));
        var held = await client.VacuumAsync(_library, DateTimeOffset.UtcNow.AddDays(-30));
        Assert.Equal((1, 2L), (held.Removed, held.HeldBack!.FromSequence));
        var refused = await Assert.ThrowsAsync<AcknowledgementRefusedException>(
            () => client.AcknowledgeReplicatedAsync(_library, ThisDevice, Guid.NewGuid(), 2));
        Assert.Equal(AcknowledgementRefusalReason.OwnDevice, refused.Reason);

        Assert.True(await client.ForgetFollowerAsync(_library, OtherDevice));
        Assert.Equal(1, await client.VacuumOldEntriesAsync(_library, DateTimeOffset.UtcNow.AddDays(-30)));
        Assert.Equal(AcknowledgementRefusalReason.Forgotten, (await Assert.ThrowsAsync<AcknowledgementRefusedException>(
            () => client.AcknowledgeReplicatedAsync(_library, OtherDevice, phoneLog, 2))).Reason);
    }

    [Fact]
    public async Task A_follower_replicates_and_resyncs_through_the_client()
    {
        var client = Client;
        await client.ChangeLeadershipAsync(_library, OtherDevice, term: 1);
        var leaderEntries = new[] { Mirrored(1), Mirrored(2) };

        Assert.Equal(2, await client.ReplicateAsync(_library, leaderEntries, leaderTerm: 1));
        // With the leader's checksum at the floor, the follower continues the leader's chain from there.
        var resynced = await client.ResyncFromAsync(_library, 10, SyncLogChecksum.Zero);
        Assert.Equal(10, resynced.LatestSequence);
        Assert.Equal(11, await client.ReplicateAsync(_library, [Mirrored(11)], leaderTerm: 1));
    }

    [Fact]
    public async Task Append_where_another_device_leads_throws_NotLeaderException_with_the_leader_and_term()
    {
        await Client.ChangeLeadershipAsync(_library, OtherDevice, term: 3);

        var e = await Assert.ThrowsAsync<NotLeaderException>(() => Client.AppendAsync(_library, Entry()));

        Assert.Equal((OtherDevice, 3L), (e.LeaderDeviceId, e.Term));
        Assert.Equal(_library, e.LibraryId);
        Assert.Equal(new NotLeader(_library, OtherDevice, 3), e.Reply);
        Assert.Contains(OtherDevice, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_before_any_election_throws_NotLeaderException_naming_no_leader()
    {
        var e = await Assert.ThrowsAsync<NotLeaderException>(() => Client.AppendBatchAsync(_library, [Entry()]));

        Assert.Null(e.LeaderDeviceId);
        Assert.Equal(0, e.Term);
    }

    [Fact]
    public async Task A_lower_term_throws_StaleTermException_with_both_terms()
    {
        await Client.ChangeLeadershipAsync(_library, ThisDevice, term: 5);

        var e = await Assert.ThrowsAsync<StaleTermException>(() => Client.ChangeLeadershipAsync(_library, OtherDevice, term: 4));
        var onAppend = await Assert.ThrowsAsync<StaleTermException>(() => Client.AppendAsync(_library, Entry(), expectedTerm: 4));

        Assert.Equal((4L, 5L, ThisDevice), (e.RequestedTerm, e.CurrentTerm, e.CurrentLeaderDeviceId));
        Assert.IsType<StaleTerm>(e.Reply);
        Assert.Equal(5, onAppend.CurrentTerm);
    }

    [Fact]
    public async Task A_malformed_request_throws_InvalidSyncLogRequestException_with_the_reason()
    {
        var e = await Assert.ThrowsAsync<InvalidSyncLogRequestException>(() => Client.FetchSinceAsync(_library, 0, limit: 0));

        Assert.Contains("limit", e.Reason, StringComparison.Ordinal);
        Assert.Equal(_library, e.LibraryId);
        Assert.IsType<InvalidRequest>(e.Reply);
    }

    [Fact]
    public async Task A_corrupt_library_file_throws_SyncLogStorageException()
    {
        var path = SyncLogDb.PathFor(_library, DataDir);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, new string('#', 8192));

        var e = await Assert.ThrowsAsync<SyncLogStorageException>(() => Client.GetLatestSequenceAsync(_library));

        Assert.Contains(path, e.Reason, StringComparison.Ordinal);
        Assert.IsType<StorageFailure>(e.Reply);
    }

    [Fact]
    public async Task Replication_with_a_gap_throws_ReplicationRefusedException_naming_the_local_latest_sequence()
    {
        await Client.ChangeLeadershipAsync(_library, OtherDevice, term: 1);
        await Client.ReplicateAsync(_library, [Mirrored(1)], leaderTerm: 1);

        var e = await Assert.ThrowsAsync<ReplicationRefusedException>(() => Client.ReplicateAsync(_library, [Mirrored(5)], leaderTerm: 1));

        Assert.Equal((1L, ReplicationOutcome.Gap), (e.LocalLatestSequence, e.Reason));
        Assert.IsType<ReplicationRefused>(e.Reply);
    }

    [Fact]
    public async Task Every_refusal_is_a_SyncLogException()
    {
        var e = await Assert.ThrowsAnyAsync<SyncLogException>(() => Client.AppendAsync(_library, Entry()));

        Assert.IsType<NotLeaderException>(e);
    }

    private static SyncLogEntry Mirrored(long sequence) =>
        new(sequence, sequence, OtherDevice, DateTimeOffset.UtcNow, "album", Guid.NewGuid().ToString(), ChangeType.Insert, 1,
            $$"""{"n":{{sequence}}}""");
}
