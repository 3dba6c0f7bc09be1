using Akka.Actor;
using Akka.Configuration;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

// Handover through the library actor: LearnFollowers keeps another leader's followers, which hold back vacuum until
// they ack this host. Entries 1..4 are 40 days old (past the 30-day retention), entry 5 a day old; max-retention 60d.
public sealed class LearnedFollowerSpecs() : SyncLogSpec("synclog.max-retention = 60d")
{
    private readonly Guid _library = Guid.NewGuid();
    private readonly DateTimeOffset _old = DateTimeOffset.UtcNow.AddDays(-40);

    private void FiveEntries()
    {
        Lead(_library);
        var probe = CreateTestProbe();
        for (var i = 0; i < 4; i++)
            AppendOne(_library, Entry(i, at: _old.AddMinutes(i)), probe);
        AppendOne(_library, Entry(4, at: DateTimeOffset.UtcNow.AddDays(-1)), probe);
        // Then another device leads and this host follows it: only a follower learns its leader's followers.
        Lead(_library, OtherDevice, term: 2, probe);
    }

    private object Ask(ILibraryRequest request)
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(request, probe.Ref);
        return probe.ReceiveOne(Patience)!;
    }

    private Vacuumed Vacuum(bool dryRun = false) =>
        Assert.IsType<Vacuumed>(Ask(new VacuumOldEntries(_library, DateTimeOffset.UtcNow.AddDays(-30), dryRun)));

    private static KnownFollower Known(string device, long acked, DateTimeOffset? lastAck = null) =>
        new(device, acked, lastAck ?? DateTimeOffset.UtcNow.AddMinutes(-1));

    [Fact]
    public void Learned_followers_hold_back_vacuum_until_they_ack_this_host()
    {
        FiveEntries();

        // The leader (device-b) reported the phone, and this host's own device, which is never kept.
        var learned = Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("phone", 2), Known(ThisDevice, 0)])));

        Assert.Equal(new FollowersLearned(_library, OtherDevice, 1), learned);
        var plan = Vacuum(dryRun: true);
        var held = Vacuum();
        Assert.Equal((2, 2L), (held.Removed, held.ThroughSequence!.Value));
        Assert.Equal((3L, 2L), (held.HeldBack!.FromSequence, held.HeldBack.Entries));
        Assert.Empty(held.HeldBack.Followers);
        var phone = Assert.Single(held.HeldBack.LearnedFollowers!);
        Assert.Equal(("phone", 2L, OtherDevice), (phone.DeviceId, phone.AckedSequence, phone.LearnedFrom));
        Assert.Equal((2, "phone"), (plan.Removed, Assert.Single(plan.HeldBack!.LearnedFollowers!).DeviceId));
        var stats = Assert.IsType<Stats>(Ask(new GetStats(_library))).Value;
        Assert.Equal("phone", Assert.Single(stats.LearnedFollowers!).DeviceId);
        Assert.Empty(stats.Followers);
        // What this host tells a follower of its own, should it lead: it waits for the phone too.
        Assert.Equal([new KnownFollower("phone", 2, phone.LastAckAt)],
            Assert.IsType<FollowersFound>(Ask(new GetFollowers(_library))).Followers);

        // The phone acks this host (newer than what was learned): its own ack is the truth now.
        Assert.IsType<ReplicationAcknowledged>(Ask(new AcknowledgeReplicated(_library, "phone", Guid.NewGuid(), 5)));

        Assert.Equal(new Vacuumed(_library, 2, 4), Vacuum());
        Assert.Empty(Assert.IsType<Stats>(Ask(new GetStats(_library))).Value.LearnedFollowers!);
    }

    [Fact]
    public void A_new_report_replaces_what_was_learned_and_ForgetFollower_drops_a_learned_follower()
    {
        FiveEntries();
        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("phone", 0), Known("laptop", 1)])));
        Assert.Equal(0, Vacuum(dryRun: true).Removed);

        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("laptop", 1)])));
        Assert.Equal(1, Vacuum(dryRun: true).Removed);

        Assert.Equal(new FollowerForgotten(_library, "laptop", true), Ask(new ForgetFollower(_library, "laptop")));
        Assert.Equal(new Vacuumed(_library, 4, 4), Vacuum());
    }

    [Fact]
    public void A_learned_follower_silent_longer_than_max_retention_is_reported_lost_and_holds_nothing()
    {
        FiveEntries();
        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("phone", 0, DateTimeOffset.UtcNow.AddDays(-61))])));

        var done = Vacuum();

        Assert.Equal((4, null), (done.Removed, done.HeldBack));
        Assert.Equal(("phone", 0L), (Assert.Single(done.LostLearned!).DeviceId, done.LostLearned![0].AckedSequence));
        Assert.Null(done.Lost);
    }

    [Fact]
    public void A_host_that_leads_refuses_to_learn_and_keeps_what_it_learned_as_a_follower()
    {
        FiveEntries();
        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("phone", 2)])));
        // Elected while its follower still follows the deposed leader, whose next report would drop the phone.
        Lead(_library, ThisDevice, term: 3);

        var refused = Assert.IsType<InvalidRequest>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known(OtherDevice, 5)])));

        Assert.StartsWith("this device leads the library at term 3", refused.Reason, StringComparison.Ordinal);
        var learned = Assert.Single(Assert.IsType<Stats>(Ask(new GetStats(_library))).Value.LearnedFollowers!);
        Assert.Equal(("phone", 2L), (learned.DeviceId, learned.AckedSequence));
        var held = Vacuum();
        Assert.Equal((2, 3L), (held.Removed, held.HeldBack!.FromSequence));
    }

    private long LearnedTerm() => Raw.Scalar(LibraryFile(_library), "SELECT learned_term FROM sync_log_state");

    private string LearnedDevices() =>
        string.Join(",", Assert.IsType<Stats>(Ask(new GetStats(_library))).Value.LearnedFollowers!.Select(l => $"{l.DeviceId}@{l.AckedSequence}"));

    [Fact]
    public void GetFollowers_answers_with_this_hosts_leadership_term()
    {
        FiveEntries();

        Assert.Equal(2, Assert.IsType<FollowersFound>(Ask(new GetFollowers(_library))).LeaderTerm);
    }

    [Fact]
    public void A_report_of_a_deposed_leader_is_refused_as_a_stale_term_and_changes_nothing()
    {
        FiveEntries();
        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("laptop", 1)])));
        // device-c is elected at term 3; the deposed device-b still runs and this host's follower still asks it.
        Lead(_library, "device-c", term: 3);
        var probe = CreateTestProbe();

        Supervisor.Tell(new LearnFollowers(_library, OtherDevice, 2, [Known("phone", 0)]), probe.Ref);

        Assert.Equal(new StaleTerm(_library, 2, 3, "device-c"), probe.ExpectMsg<StaleTerm>(Patience));
        Assert.Equal("laptop@1", LearnedDevices());
        Assert.Equal(2L, LearnedTerm());
        Assert.Equal(1, Vacuum(dryRun: true).Removed);
    }

    [Fact]
    public void A_report_older_than_the_one_learned_last_is_refused_by_the_file_and_changes_nothing()
    {
        FiveEntries();
        // A report of term 5 was learned (this host has not yet heard of that election); a late one of term 3, still
        // newer than what this host's leadership says (2), must not replace it: the file's learned term refuses it.
        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, "device-c", 5, [Known("laptop", 1)])));

        var refused = Ask(new LearnFollowers(_library, OtherDevice, 3, [Known("phone", 0)]));

        Assert.Equal(new StaleTerm(_library, 3, 5, OtherDevice), refused);
        Assert.Equal("laptop@1", LearnedDevices());
        Assert.Equal(5L, LearnedTerm());
        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, "device-c", 5, [Known("phone", 3)])));
        Assert.Equal("phone@3", LearnedDevices());
    }

    // The follower sends its newer report when its ask of the last one times out: report A (laptop and tablet) is held in
    // the seam before it is stored, report B (phone) of the same term arrives meanwhile.
    private (TaskCompletionSource Reached, TaskCompletionSource Release) HoldTheReportWithTheLaptop()
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LogWriterSeam.Get(Sys).BeforeLearning = (library, report) =>
        {
            if (library != _library || !report.Followers.Any(f => f.DeviceId == "laptop"))
                return Task.CompletedTask;
            reached.TrySetResult();
            return release.Task;
        };
        return (reached, release);
    }

    private void SendReportsAThenB(TaskCompletionSource reached, IActorRef replyTo)
    {
        Supervisor.Tell(new LearnFollowers(_library, OtherDevice, 2, [Known("laptop", 1), Known("tablet", 1)]), replyTo);
        Assert.True(reached.Task.Wait(Patience), "report A never reached storage");
        Supervisor.Tell(new LearnFollowers(_library, OtherDevice, 2, [Known("phone", 3)]), replyTo);
        // Answered from memory after B was handled: B has reached the library while A is still held.
        Assert.IsType<LatestSequence>(Ask(new GetLatestSequence(_library)));
    }

    [Fact]
    public void Two_reports_of_the_same_term_are_stored_in_arrival_order_so_the_later_one_stays()
    {
        FiveEntries();
        var (reached, release) = HoldTheReportWithTheLaptop();
        var probe = CreateTestProbe();
        SendReportsAThenB(reached, probe.Ref);

        // B waits for A: run concurrently (as before the fix), B was stored and answered here, then A overwrote it.
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        release.SetResult();

        Assert.Equal(new FollowersLearned(_library, OtherDevice, 2), probe.ExpectMsg<FollowersLearned>(Patience));
        Assert.Equal(new FollowersLearned(_library, OtherDevice, 1), probe.ExpectMsg<FollowersLearned>(Patience));
        Assert.Equal("phone@3", LearnedDevices());
        // Vacuum holds at the phone (3), not at the laptop of the report that arrived first (1).
        Assert.Equal(3, Vacuum(dryRun: true).Removed);
    }

    [Fact]
    public void A_forget_that_arrives_after_a_queued_report_is_not_undone_by_it()
    {
        FiveEntries();
        var (reached, release) = HoldTheReportWithTheLaptop();
        var probe = CreateTestProbe();
        SendReportsAThenB(reached, probe.Ref);

        // Report B (the phone) waits behind A; the admin forgets the phone after B arrived.
        Supervisor.Tell(new ForgetFollower(_library, "phone"), probe.Ref);
        release.SetResult();

        Assert.Equal(new FollowersLearned(_library, OtherDevice, 2), probe.ExpectMsg<FollowersLearned>(Patience));
        Assert.Equal(new FollowersLearned(_library, OtherDevice, 1), probe.ExpectMsg<FollowersLearned>(Patience));
        Assert.Equal(new FollowerForgotten(_library, "phone", WasKnown: true), probe.ExpectMsg<FollowerForgotten>(Patience));
        Assert.Equal("", LearnedDevices());
    }

    [Fact]
    public void A_report_whose_write_fails_is_answered_and_the_report_after_it_is_still_stored()
    {
        FiveEntries();
        var (reached, release) = HoldTheReportWithTheLaptop();
        var probe = CreateTestProbe();
        SendReportsAThenB(reached, probe.Ref);

        release.SetException(new IOException("disk I/O error"));

        Assert.Equal(new StorageFailure(_library, "disk I/O error"), probe.ExpectMsg<StorageFailure>(Patience));
        Assert.Equal(new FollowersLearned(_library, OtherDevice, 1), probe.ExpectMsg<FollowersLearned>(Patience));
        Assert.Equal("phone@3", LearnedDevices());
    }

    [Fact]
    public async Task Reports_queued_when_the_library_restarts_are_all_stored_and_answered_before_the_next_incarnation_serves()
    {
        FiveEntries();
        var (reached, release) = HoldTheReportWithTheLaptop();
        var probe = CreateTestProbe();
        SendReportsAThenB(reached, probe.Ref);
        var child = await Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(_library)).ResolveOne(Patience);

        child.Tell(Kill.Instance);
        // Asked of the next incarnation, which answers nothing before the reports of the one it replaced are.
        Supervisor.Tell(new GetStats(_library), probe.Ref);
        release.SetResult();

        Assert.Equal(new FollowersLearned(_library, OtherDevice, 2), probe.ExpectMsg<FollowersLearned>(Patience));
        Assert.Equal(new FollowersLearned(_library, OtherDevice, 1), probe.ExpectMsg<FollowersLearned>(Patience));
        var stats = probe.ExpectMsg<Stats>(Patience).Value;
        Assert.Equal("phone", Assert.Single(stats.LearnedFollowers!).DeviceId);
    }

    [Fact]
    public void A_report_with_a_term_below_1_is_an_invalid_request()
    {
        FiveEntries();

        var refused = Assert.IsType<InvalidRequest>(Ask(new LearnFollowers(_library, OtherDevice, 0, [Known("phone", 0)])));

        Assert.StartsWith("leader term must be at least 1", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(0L, LearnedTerm());
    }

    [Theory]
    [InlineData(ThisDevice, "phone", "leader device id 'device-a' is this host's own device")]
    [InlineData("", "phone", "leader device id must not be empty")]
    [InlineData(OtherDevice, "", "follower device id must not be empty")]
    public void A_report_naming_this_host_as_its_leader_or_a_malformed_one_is_refused_and_keeps_what_was_learned(
        string leader, string device, string reason)
    {
        FiveEntries();
        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("laptop", 1)])));

        var refused = Assert.IsType<InvalidRequest>(Ask(new LearnFollowers(_library, leader, 2, [Known(device, 0)])));

        Assert.StartsWith(reason, refused.Reason, StringComparison.Ordinal);
        Assert.Equal("laptop", Assert.Single(Assert.IsType<Stats>(Ask(new GetStats(_library))).Value.LearnedFollowers!).DeviceId);
    }

    [Fact]
    public void Learning_followers_of_a_library_without_a_file_is_LibraryNotFound_and_creates_nothing()
    {
        Assert.IsType<LibraryNotFound>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("phone", 0)])));
        Assert.IsType<LibraryNotFound>(Ask(new GetFollowers(_library)));

        Assert.False(File.Exists(LibraryFile(_library)));
    }

    [Fact]
    public void GetFollowers_is_served_through_the_gateway_and_LearnFollowers_is_not()
    {
        FiveEntries();
        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("phone", 2)])));
        var gateway = Host.StartGateway();
        var probe = CreateTestProbe();

        gateway.Tell(new GetFollowers(_library), probe.Ref);
        Assert.Equal("phone", Assert.Single(probe.ExpectMsg<FollowersFound>(Patience).Followers).DeviceId);
        gateway.Tell(new LearnFollowers(_library, "intruder", 2, []), probe.Ref);

        Assert.Equal(nameof(LearnFollowers), probe.ExpectMsg<RequestNotServed>(Patience).Request);
        Assert.Equal("phone", Assert.Single(Assert.IsType<Stats>(Ask(new GetStats(_library))).Value.LearnedFollowers!).DeviceId);
    }

    [Fact]
    public async Task A_read_only_host_reports_learned_followers_but_refuses_to_learn()
    {
        FiveEntries();
        Assert.IsType<FollowersLearned>(Ask(new LearnFollowers(_library, OtherDevice, 2, [Known("phone", 2)])));
        await using var reader = SyncLogHost.Start(ConfigurationFactory.ParseString("synclog.read-only = on")
            .WithFallback(ConfigFor(DataDir, "inspector")), "reader");

        Assert.IsType<InvalidRequest>(await reader.AskAsync(new LearnFollowers(_library, OtherDevice, 2, [])));

        var found = Assert.IsType<FollowersFound>(await reader.AskAsync(new GetFollowers(_library)));
        Assert.Equal("phone", Assert.Single(found.Followers).DeviceId);
        var plan = Assert.IsType<Vacuumed>(await reader.AskAsync(new VacuumOldEntries(_library, DateTimeOffset.UtcNow.AddDays(-30), DryRun: true)));
        Assert.Equal(2, plan.Removed);
    }
}
