using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Leadership fences writes exactly: every kind of write is judged when it runs, and an acknowledgement of a term
/// leaves only once nothing of an older term can still commit. The writer is held with an outside SQLite
/// transaction so a write is truly in flight when leadership moves.
/// </summary>
public sealed class FencingSpecs : SyncLogSpec
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void A_repeated_leadership_change_is_acknowledged_only_after_the_old_terms_write_commits()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);

        using (var writer = HoldAppendInFlight(_library, probe))
        {
            // Elections retry: the same change arrives twice while the term-1 write is in flight.
            Supervisor.Tell(new LeadershipChanged(_library, OtherDevice, 2), probe.Ref);
            Supervisor.Tell(new LeadershipChanged(_library, OtherDevice, 2), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            writer.Release();
        }

        Assert.Equal(new Appended(_library, 2), probe.ExpectMsg<Appended>(Patience));
        Assert.Equal(new LeadershipAck(_library, 2), probe.ExpectMsg<LeadershipAck>(Patience));
        Assert.Equal(new LeadershipAck(_library, 2), probe.ExpectMsg<LeadershipAck>(Patience));
    }

    [Fact]
    public void An_append_waiting_to_join_the_write_in_flight_is_judged_again_after_a_leadership_change()
    {
        var probe = CreateTestProbe();
        Lead(_library, ThisDevice, 1, probe);
        AppendOne(_library, Entry(0), probe);

        using (var writer = HoldAppendInFlight(_library, probe))
        {
            // Accepted while the write is in flight: it waits to join that transaction.
            Supervisor.Tell(new Append(_library, Entry(2), ExpectedTerm: 1), probe.Ref);
            Supervisor.Tell(new LeadershipChanged(_library, ThisDevice, 2), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            writer.Release();
        }

        Assert.Equal(new Appended(_library, 2), probe.ExpectMsg<Appended>(Patience));
        Assert.Equal(new LeadershipAck(_library, 2), probe.ExpectMsg<LeadershipAck>(Patience));
        Assert.Equal(new StaleTerm(_library, 1, 2, ThisDevice), probe.ExpectMsg<StaleTerm>(Patience));
        Assert.Equal([1L, 2], ReadAll(_library).Select(e => e.Sequence));
    }

    [Fact]
    public void A_resync_queued_behind_a_replicate_is_refused_once_this_device_leads()
    {
        var probe = CreateTestProbe();
        Lead(_library, OtherDevice, 1, probe);
        Supervisor.Tell(new Replicate(_library, [Stored(1)], 1), probe.Ref);
        probe.ExpectMsg<Replicated>(Patience);

        using (var blocker = Raw.Open(LibraryFile(_library)))
        {
            using var transaction = blocker.BeginTransaction(deferred: false);
            Supervisor.Tell(new Replicate(_library, [Stored(2)], 1), probe.Ref);
            Supervisor.Tell(new ResyncFrom(_library, 100), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            Supervisor.Tell(new LeadershipChanged(_library, ThisDevice, 2), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            transaction.Rollback();
        }

        Assert.Equal(new Replicated(_library, 2), probe.ExpectMsg<Replicated>(Patience));
        Assert.Equal(new LeadershipAck(_library, 2), probe.ExpectMsg<LeadershipAck>(Patience));
        Assert.Contains("only followers resync", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
        Assert.Equal(3, AppendOne(_library, Entry(), probe));
    }

    [Fact]
    public void Sequences_beyond_the_largest_allowed_are_refused()
    {
        var probe = CreateTestProbe();
        Lead(_library, OtherDevice, 1, probe);

        Supervisor.Tell(new ResyncFrom(_library, long.MaxValue), probe.Ref);
        Assert.Contains($"at most {EntryValidator.MaxSequence}", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
        Supervisor.Tell(new Replicate(_library, [Stored(EntryValidator.MaxSequence + 1)], 1), probe.Ref);
        probe.ExpectMsg<InvalidRequest>(Patience);
        Supervisor.Tell(new FetchSince(_library, long.MaxValue, 10), probe.Ref);
        probe.ExpectMsg<InvalidRequest>(Patience);
        Assert.False(File.Exists(LibraryFile(_library)));
    }

    [Fact]
    public void A_page_of_a_newer_term_is_applied_only_after_its_term_is_saved()
    {
        var probe = CreateTestProbe();
        Lead(_library, OtherDevice, 1, probe);
        Supervisor.Tell(new Replicate(_library, [Stored(1)], 1), probe.Ref);
        Assert.Equal(new Replicated(_library, 1), probe.ExpectMsg<Replicated>(Patience));

        // The term cannot be saved: the page is refused and nothing of it is stored.
        Raw.Execute(Path.Combine(DataDir, "sync-host.db"), "DROP TABLE journal");
        Supervisor.Tell(new Replicate(_library, [Stored(2)], 2), probe.Ref);
        Assert.Contains("sync-host.db", probe.ExpectMsg<StorageFailure>(Patience).Reason, StringComparison.Ordinal);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, Raw.Count(LibraryFile(_library)));
    }

    [Fact]
    public void A_follower_refuses_pages_of_a_term_older_than_it_knows()
    {
        var probe = CreateTestProbe();
        Lead(_library, OtherDevice, 3, probe);

        Supervisor.Tell(new Replicate(_library, [Stored(1)], 2), probe.Ref);
        Assert.Equal(new StaleTerm(_library, 2, 3, OtherDevice), probe.ExpectMsg<StaleTerm>(Patience));
        Supervisor.Tell(new Replicate(_library, [Stored(1)], 5), probe.Ref);
        Assert.Equal(new Replicated(_library, 1), probe.ExpectMsg<Replicated>(Patience));
        // A page of term 4 now comes from a leader deposed by the term-5 leader this follower already heard from.
        Supervisor.Tell(new Replicate(_library, [Stored(2)], 4), probe.Ref);
        Assert.Equal(new StaleTerm(_library, 4, 5, OtherDevice), probe.ExpectMsg<StaleTerm>(Patience));
        Assert.Equal([1L], ReadAll(_library).Select(e => e.Sequence));
    }

    [Fact]
    public async Task The_highest_replicated_term_survives_a_host_restart()
    {
        var dataDir = NewDataDir();
        var library = Guid.NewGuid();
        try
        {
            await using (var first = SyncLogHost.Start(ConfigFor(dataDir, ThisDevice), "first"))
            {
                Assert.IsType<LeadershipAck>(await first.AskAsync(new LeadershipChanged(library, OtherDevice, 1)));
                Assert.IsType<Replicated>(await first.AskAsync(new Replicate(library, [Stored(1)], 7)));
                // The term is recorded after the page is applied; a second page shows it was.
                Assert.IsType<Replicated>(await first.AskAsync(new Replicate(library, [Stored(2)], 7)));
            }

            await using var second = SyncLogHost.Start(ConfigFor(dataDir, ThisDevice), "second");
            Assert.Equal(new StaleTerm(library, 6, 7, OtherDevice), await second.AskAsync(new Replicate(library, [Stored(3)], 6)));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static SyncLogEntry Stored(long sequence) =>
        new(0, sequence, OtherDevice, DateTimeOffset.UtcNow, "album", $"r{sequence}", ChangeType.Insert, 1, $$"""{"n":{{sequence}}}""");
}
