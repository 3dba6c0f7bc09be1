using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class LeadershipSpecs : SyncLogSpec
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void A_lower_term_or_the_same_term_with_another_device_is_refused()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, term: 5, probe);

        Supervisor.Tell(new LeadershipChanged(_library, OtherDevice, 4), probe.Ref);
        Assert.Equal(new StaleTerm(_library, 4, 5, ThisDevice), probe.ExpectMsg<StaleTerm>(Patience));
        Supervisor.Tell(new LeadershipChanged(_library, OtherDevice, 5), probe.Ref);
        Assert.Equal(new StaleTerm(_library, 5, 5, ThisDevice), probe.ExpectMsg<StaleTerm>(Patience));
        Supervisor.Tell(new LeadershipChanged(_library, ThisDevice, 5), probe.Ref);
        Assert.Equal(new LeadershipAck(_library, 5), probe.ExpectMsg<LeadershipAck>(Patience));

        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        Assert.Equal(new Leadership(_library, ThisDevice, 5, IsThisDevice: true), probe.ExpectMsg<Leadership>(Patience));
    }

    [Fact]
    public void Malformed_leadership_is_refused()
    {
        var probe = CreateTestProbe();

        Supervisor.Tell(new LeadershipChanged(_library, "", 1), probe.Ref);
        probe.ExpectMsg<InvalidRequest>(Patience);
        Supervisor.Tell(new LeadershipChanged(_library, ThisDevice, 0), probe.Ref);
        probe.ExpectMsg<InvalidRequest>(Patience);
    }

    [Fact]
    public void A_term_above_two_to_the_53_minus_one_is_refused_so_a_later_election_always_has_a_higher_term()
    {
        var probe = CreateTestProbe();

        Supervisor.Tell(new LeadershipChanged(_library, ThisDevice, long.MaxValue), probe.Ref);
        Assert.Contains("at most 9007199254740991", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
        Supervisor.Tell(new Replicate(_library,
            [new SyncLogEntry(0, 1, OtherDevice, DateTimeOffset.UtcNow, "album", "r", ChangeType.Insert, 1, "{}")], long.MaxValue), probe.Ref);
        Assert.Contains("at most 9007199254740991", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);

        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        Assert.Equal(0, probe.ExpectMsg<Leadership>(Patience).Term);
        Lead(_library, ThisDevice, EntryValidator.MaxSequence, probe);
    }

    [Fact]
    public void After_stepping_down_appends_are_refused_naming_the_new_leader()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        Assert.Equal(1, AppendOne(_library, Entry(), probe));

        Lead(_library, OtherDevice, 2, probe);
        Supervisor.Tell(new Append(_library, Entry()), probe.Ref);
        Supervisor.Tell(new AppendBatch(_library, [Entry()]), probe.Ref);

        Assert.Equal(new NotLeader(_library, OtherDevice, 2), probe.ExpectMsg<NotLeader>(Patience));
        Assert.Equal(new NotLeader(_library, OtherDevice, 2), probe.ExpectMsg<NotLeader>(Patience));
        Assert.Equal([1L], ReadAll(_library).Select(e => e.Sequence));
    }

    [Fact]
    public void A_leader_change_mid_stream_refuses_the_rest_and_a_later_term_continues_the_sequence()
    {
        var producer = CreateTestProbe();
        var election = CreateTestProbe();
        Lead(_library, ThisDevice, 1, election);

        for (var i = 0; i < 50; i++)
            Supervisor.Tell(new Append(_library, Entry(i)), producer.Ref);
        Supervisor.Tell(new LeadershipChanged(_library, OtherDevice, 2), election.Ref);
        for (var i = 50; i < 100; i++)
            Supervisor.Tell(new Append(_library, Entry(i)), producer.Ref);
        election.ExpectMsg<LeadershipAck>(Patience);

        // In request order: a prefix committed under term 1, then refusals only; nothing sent after the change commits.
        var replies = producer.ReceiveN(100, Patience);
        var appended = replies.TakeWhile(r => r is Appended).Cast<Appended>().Select(a => a.Sequence).ToList();
        Assert.InRange(appended.Count, 0, 50);
        Assert.Equal(Enumerable.Range(1, appended.Count).Select(i => (long)i), appended);
        Assert.All(replies.Skip(appended.Count), r => Assert.Equal(new NotLeader(_library, OtherDevice, 2), r));
        Assert.Equal(appended, ReadAll(_library).Select(e => e.Sequence));

        Lead(_library, ThisDevice, 3, election);
        Assert.Equal(appended.Count + 1, AppendOne(_library, Entry(), producer));
    }

    [Fact]
    public void A_leadership_change_is_acknowledged_only_after_the_write_in_flight_commits()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);

        using (var writer = HoldAppendInFlight(_library, probe))
        {
            // Hold the writer so an append is in flight when the election result arrives.
            Supervisor.Tell(new LeadershipChanged(_library, OtherDevice, 2), probe.Ref);
            Supervisor.Tell(new Append(_library, Entry(2)), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            writer.Release();
        }

        // The in-flight append (started under term 1) commits before the ack; the one queued behind it is refused.
        Assert.Equal(new Appended(_library, 2), probe.ExpectMsg<Appended>(Patience));
        Assert.Equal(new LeadershipAck(_library, 2), probe.ExpectMsg<LeadershipAck>(Patience));
        Assert.Equal(new NotLeader(_library, OtherDevice, 2), probe.ExpectMsg<NotLeader>(Patience));
        Assert.Equal([1L, 2], ReadAll(_library).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Leadership_survives_an_actor_system_restart_and_still_refuses_the_deposed_leader()
    {
        var dataDir = NewDataDir();
        var library = Guid.NewGuid();
        try
        {
            await using (var first = SyncLogHost.Start(ConfigFor(dataDir, ThisDevice), "first"))
            {
                Assert.IsType<LeadershipAck>(await first.AskAsync(new LeadershipChanged(library, ThisDevice, 1)));
                Assert.IsType<Appended>(await first.AskAsync(new Append(library, Entry())));
                Assert.IsType<LeadershipAck>(await first.AskAsync(new LeadershipChanged(library, OtherDevice, 7)));
            }

            await using var second = SyncLogHost.Start(ConfigFor(dataDir, ThisDevice), "second");

            Assert.Equal(new Leadership(library, OtherDevice, 7, false), await second.AskAsync(new GetLeadership(library)));
            Assert.Equal(new NotLeader(library, OtherDevice, 7), await second.AskAsync(new Append(library, Entry())));
            Assert.Equal(new StaleTerm(library, 6, 7, OtherDevice), await second.AskAsync(new LeadershipChanged(library, ThisDevice, 6)));
            Assert.Equal(new LatestSequence(library, 1), await second.AskAsync(new GetLatestSequence(library)));
            Assert.IsType<LeadershipAck>(await second.AskAsync(new LeadershipChanged(library, ThisDevice, 8)));
            Assert.Equal(new Appended(library, 2), await second.AskAsync(new Append(library, Entry())));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Many_terms_recover_through_snapshots()
    {
        var dataDir = NewDataDir();
        var library = Guid.NewGuid();
        var config = ConfigFor(dataDir, ThisDevice, "synclog.persistence.snapshot-every = 3");
        try
        {
            await using (var first = SyncLogHost.Start(config, "first"))
            {
                for (var term = 1; term <= 10; term++)
                    Assert.IsType<LeadershipAck>(await first.AskAsync(new LeadershipChanged(library, term % 2 == 0 ? ThisDevice : OtherDevice, term)));
            }

            await using var second = SyncLogHost.Start(config, "second");
            Assert.Equal(new Leadership(library, ThisDevice, 10, true), await second.AskAsync(new GetLeadership(library)));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_host_on_the_same_data_dir_is_refused()
    {
        var error = await Assert.ThrowsAsync<SyncLogLockedException>(() =>
            Task.Run(() => SyncLogHost.Start(ConfigFor(DataDir, ThisDevice), "intruder")));

        Assert.Contains("already used by another SyncLogHost", error.Message, StringComparison.Ordinal);
    }
}
