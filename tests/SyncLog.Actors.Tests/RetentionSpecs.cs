using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

// Retention waits for followers: entries 1..4 are 40 days old (past the 30-day retention), entry 5 is a day old. A
// follower silent longer than the 60-day max-retention set here no longer counts.
public sealed class RetentionSpecs() : SyncLogSpec("synclog.max-retention = 60d")
{
    private readonly Guid _library = Guid.NewGuid();
    private readonly Guid _phoneLog = Guid.NewGuid();
    private readonly DateTimeOffset _old = DateTimeOffset.UtcNow.AddDays(-40);

    private void FiveEntries(DateTimeOffset? old = null)
    {
        Lead(_library);
        var probe = CreateTestProbe();
        for (var i = 0; i < 4; i++)
            AppendOne(_library, Entry(i, at: (old ?? _old).AddMinutes(i)), probe);
        AppendOne(_library, Entry(4, at: DateTimeOffset.UtcNow.AddDays(-1)), probe);
    }

    private long Ack(string device, Guid log, long sequence)
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new AcknowledgeReplicated(_library, device, log, sequence), probe.Ref);
        return probe.ExpectMsg<ReplicationAcknowledged>(Patience).AckedSequence;
    }

    private Vacuumed Vacuum(bool dryRun = false)
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new VacuumOldEntries(_library, DateTimeOffset.UtcNow.AddDays(-30), dryRun), probe.Ref);
        return probe.ExpectMsg<Vacuumed>(Patience);
    }

    [Fact]
    public void A_lagging_follower_holds_back_vacuum_until_it_acks()
    {
        FiveEntries();
        Ack("phone", _phoneLog, 2);

        var held = Vacuum();

        Assert.Equal((2, 2L), (held.Removed, held.ThroughSequence!.Value));
        Assert.Equal((3L, 2L), (held.HeldBack!.FromSequence, held.HeldBack.Entries));
        Assert.Equal(("phone", 2L), (Assert.Single(held.HeldBack.Followers).DeviceId, held.HeldBack.Followers[0].AckedSequence));

        Ack("phone", _phoneLog, 5);
        Assert.Equal(new Vacuumed(_library, 2, 4), Vacuum());
    }

    [Fact]
    public void ForgetFollower_releases_what_the_follower_held()
    {
        FiveEntries();
        Ack("phone", _phoneLog, 0);
        Assert.Equal(0, Vacuum().Removed);
        var probe = CreateTestProbe();

        Supervisor.Tell(new ForgetFollower(_library, "phone"), probe.Ref);
        probe.ExpectMsg<FollowerForgotten>(Patience);

        Assert.Equal(new Vacuumed(_library, 4, 4), Vacuum());
    }

    [Fact]
    public void Entries_stamped_past_max_retention_still_wait_for_a_follower_that_acked_recently()
    {
        // The timestamps are the writer's; the phone's ack is this host's own, and recent.
        FiveEntries(old: DateTimeOffset.UtcNow.AddDays(-61));
        Ack("phone", _phoneLog, 0);

        var held = Vacuum();

        Assert.Equal((0, 1L, 4L), (held.Removed, held.HeldBack!.FromSequence, held.HeldBack.Entries));
        Assert.Null(held.Lost);
    }

    [Fact]
    public void A_follower_whose_last_ack_is_older_than_max_retention_no_longer_holds_back_vacuum()
    {
        FiveEntries();
        Ack("phone", _phoneLog, 0);
        Assert.Equal(1, FollowerAckClock.SetLastAck(LibraryFile(_library), "phone", DateTimeOffset.UtcNow.AddDays(-61)));

        var plan = Vacuum(dryRun: true);
        var done = Vacuum();

        Assert.Equal((4, 4L, null), (done.Removed, done.ThroughSequence!.Value, done.HeldBack));
        Assert.Equal(("phone", 0L), (Assert.Single(done.Lost!).DeviceId, done.Lost![0].AckedSequence));
        Assert.Equal((4, "phone"), (plan.Removed, Assert.Single(plan.Lost!).DeviceId));
    }

    [Fact]
    public void This_hosts_own_device_is_never_waited_for()
    {
        FiveEntries();
        var probe = CreateTestProbe();
        Supervisor.Tell(new AcknowledgeReplicated(_library, ThisDevice, Guid.NewGuid(), 0), probe.Ref);
        probe.ExpectMsg<AcknowledgementRefused>(Patience);

        Assert.Equal(new Vacuumed(_library, 4, 4), Vacuum());
    }

    [Fact]
    public void A_dry_run_reports_the_same_and_removes_nothing()
    {
        FiveEntries();
        Ack("phone", _phoneLog, 3);

        var plan = Vacuum(dryRun: true);

        Assert.True(plan.DryRun);
        Assert.Equal((3, 4L, 1L), (plan.Removed, plan.HeldBack!.FromSequence, plan.HeldBack.Entries));
        Assert.Equal(5, ReadAll(_library).Count);
        var done = Vacuum();
        Assert.Equal((plan.Removed, plan.ThroughSequence, plan.HeldBack.FromSequence), (done.Removed, done.ThroughSequence, done.HeldBack!.FromSequence));
    }

    [Fact]
    public async Task Acks_survive_a_host_restart_and_keep_holding_back_vacuum()
    {
        var dataDir = NewDataDir();
        var library = Guid.NewGuid();
        try
        {
            await using (var first = SyncLogHost.Start(ConfigFor(dataDir, ThisDevice), "first"))
            {
                Assert.IsType<LeadershipAck>(await first.AskAsync(new LeadershipChanged(library, ThisDevice, 1)));
                Assert.IsType<Appended>(await first.AskAsync(new Append(library, Entry(1, at: _old))));
                Assert.IsType<Appended>(await first.AskAsync(new Append(library, Entry(2, at: _old.AddMinutes(1)))));
                Assert.IsType<ReplicationAcknowledged>(await first.AskAsync(new AcknowledgeReplicated(library, "phone", _phoneLog, 1)));
            }

            await using var second = SyncLogHost.Start(ConfigFor(dataDir, ThisDevice), "second");
            var stats = Assert.IsType<Stats>(await second.AskAsync(new GetStats(library))).Value;
            Assert.Equal(("phone", 1L), (Assert.Single(stats.Followers).DeviceId, stats.Followers[0].AckedSequence));
            var vacuumed = Assert.IsType<Vacuumed>(await second.AskAsync(new VacuumOldEntries(library, DateTimeOffset.UtcNow.AddDays(-30))));
            Assert.Equal((1, 2L), (vacuumed.Removed, vacuumed.HeldBack!.FromSequence));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_read_only_host_answers_a_dry_run_but_refuses_acks_and_forgets()
    {
        FiveEntries();
        Ack("phone", _phoneLog, 2);
        await using var reader = SyncLogHost.Start(ConfigurationFactory.ParseString("synclog.read-only = on")
            .WithFallback(ConfigFor(DataDir, "inspector")), "reader");

        var plan = Assert.IsType<Vacuumed>(await reader.AskAsync(new VacuumOldEntries(_library, DateTimeOffset.UtcNow.AddDays(-30), DryRun: true)));

        Assert.Equal((2, 3L), (plan.Removed, plan.HeldBack!.FromSequence));
        Assert.IsType<InvalidRequest>(await reader.AskAsync(new AcknowledgeReplicated(_library, "phone", _phoneLog, 5)));
        Assert.IsType<InvalidRequest>(await reader.AskAsync(new ForgetFollower(_library, "phone")));
        Assert.IsType<InvalidRequest>(await reader.AskAsync(new VacuumOldEntries(_library, DateTimeOffset.UtcNow)));
    }
}
