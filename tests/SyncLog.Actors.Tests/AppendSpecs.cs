using Akka.Actor;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class AppendSpecs : SyncLogSpec
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void Append_before_any_leader_is_refused_and_creates_no_file()
    {
        var probe = CreateTestProbe();

        Supervisor.Tell(new Append(_library, Entry()), probe.Ref);

        Assert.Equal(new NotLeader(_library, null, 0), probe.ExpectMsg<NotLeader>(Patience));
        Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);
        Assert.Equal(new LibraryNotFound(_library, LibraryFile(_library)), probe.ExpectMsg<LibraryNotFound>(Patience));
        Assert.False(File.Exists(LibraryFile(_library)));
    }

    [Fact]
    public void The_leader_gets_sequences_from_1_and_the_latest_sequence_follows()
    {
        Lead(_library);
        var probe = CreateTestProbe();

        var sequences = Enumerable.Range(0, 3).Select(i => AppendOne(_library, Entry(i), probe)).ToList();
        Supervisor.Tell(new AppendBatch(_library, [Entry(3), Entry(4)]), probe.Ref);
        var batch = probe.ExpectMsg<BatchAppended>(Patience);
        Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);

        Assert.Equal([1L, 2, 3], sequences);
        Assert.Equal([4L, 5], batch.Sequences);
        Assert.Equal(new LatestSequence(_library, 5), probe.ExpectMsg<LatestSequence>(Patience));
    }

    [Fact]
    public void Ten_thousand_appends_from_16_producers_get_every_sequence_once_and_read_back_in_order()
    {
        Lead(_library);
        const int producers = 16, perProducer = 625;
        var probes = Enumerable.Range(0, producers).Select(_ => CreateTestProbe()).ToList();

        // Every producer fires all its appends without waiting, so they interleave in the actor's mailbox.
        for (var i = 0; i < perProducer; i++)
        {
            for (var p = 0; p < producers; p++)
                Supervisor.Tell(new Append(_library, Entry(p * perProducer + i, device: $"producer-{p}")), probes[p].Ref);
        }

        var assigned = new Dictionary<long, int>();
        for (var p = 0; p < producers; p++)
        {
            var mine = probes[p].ReceiveN(perProducer, TimeSpan.FromSeconds(60)).Cast<Appended>().Select(a => a.Sequence).ToList();
            // One producer's appends are answered in the order it sent them.
            Assert.Equal(mine.Order(), mine);
            for (var i = 0; i < perProducer; i++)
                assigned.Add(mine[i], p * perProducer + i);
        }

        Assert.Equal(Enumerable.Range(1, producers * perProducer).Select(i => (long)i), assigned.Keys.Order());
        var follower = ReadAll(_library, CreateTestProbe());
        Assert.Equal(assigned.Keys.Order(), follower.Select(e => e.Sequence));
        Assert.All(follower, e => Assert.Equal($$"""{"n":{{assigned[e.Sequence]}},"name":"item {{assigned[e.Sequence]}}"}""", e.Data));
    }

    [Fact]
    public void A_bad_entry_is_refused_alone_and_the_appends_around_it_commit()
    {
        Lead(_library);
        var probe = CreateTestProbe();

        Supervisor.Tell(new Append(_library, Entry(1)), probe.Ref);
        Supervisor.Tell(new Append(_library, Entry(2) with { Data = "{broken" }), probe.Ref);
        Supervisor.Tell(new Append(_library, Entry(3) with { RecordId = "" }), probe.Ref);
        Supervisor.Tell(new AppendBatch(_library, []), probe.Ref);
        Supervisor.Tell(new Append(_library, Entry(4)), probe.Ref);

        Assert.Equal(1, probe.ExpectMsg<Appended>(Patience).Sequence);
        Assert.Contains("valid JSON", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
        Assert.Contains("record id", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
        Assert.Contains("at least one entry", probe.ExpectMsg<InvalidRequest>(Patience).Reason, StringComparison.Ordinal);
        Assert.Equal(2, probe.ExpectMsg<Appended>(Patience).Sequence);
        Assert.Equal([1L, 2], ReadAll(_library).Select(e => e.Sequence));
    }

    [Fact]
    public void Bad_read_arguments_get_InvalidRequest()
    {
        Lead(_library);
        var probe = CreateTestProbe();

        Assert.Contains("limit must be between 1 and 10000, got 0", Refusal(new FetchSince(_library, 0, 0)), StringComparison.Ordinal);
        Assert.Contains("sequence must be 0 or more", Refusal(new FetchSince(_library, -1, 10)), StringComparison.Ordinal);
        Assert.Contains("model type", Refusal(new FetchByRecord(_library, "", "r", 10)), StringComparison.Ordinal);
        Assert.Contains("empty GUID", Refusal(new GetLatestSequence(Guid.Empty)), StringComparison.Ordinal);

        string Refusal(ILibraryRequest request)
        {
            Supervisor.Tell(request, probe.Ref);
            return probe.ExpectMsg<InvalidRequest>(Patience).Reason;
        }
    }

    [Fact]
    public void An_expected_term_that_is_not_current_is_refused()
    {
        Lead(_library, term: 4);
        var probe = CreateTestProbe();

        Supervisor.Tell(new Append(_library, Entry(), ExpectedTerm: 3), probe.Ref);
        Supervisor.Tell(new AppendBatch(_library, [Entry()], ExpectedTerm: 5), probe.Ref);
        Supervisor.Tell(new Append(_library, Entry(), ExpectedTerm: 4), probe.Ref);

        Assert.Equal(new StaleTerm(_library, 3, 4, ThisDevice), probe.ExpectMsg<StaleTerm>(Patience));
        Assert.Equal(new StaleTerm(_library, 5, 4, ThisDevice), probe.ExpectMsg<StaleTerm>(Patience));
        Assert.Equal(1, probe.ExpectMsg<Appended>(Patience).Sequence);
    }

    [Fact]
    public void Helper_queries_and_stats_answer_through_the_actor()
    {
        Lead(_library);
        var probe = CreateTestProbe();
        var record = Guid.NewGuid().ToString();
        AppendOne(_library, Entry(1, model: "tag", record: record));
        AppendOne(_library, Entry(2, device: OtherDevice));
        AppendOne(_library, Entry(3, model: "tag", record: record));

        Supervisor.Tell(new FetchByRecord(_library, "tag", record, 10), probe.Ref);
        Assert.Equal([1L, 3], probe.ExpectMsg<EntriesFound>(Patience).Entries.Select(e => e.Sequence));
        Supervisor.Tell(new FetchByDevice(_library, OtherDevice, 0, 10), probe.Ref);
        Assert.Equal([2L], probe.ExpectMsg<EntriesFound>(Patience).Entries.Select(e => e.Sequence));
        Supervisor.Tell(new FetchByTimeRange(_library, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), 10), probe.Ref);
        Assert.Equal(3, probe.ExpectMsg<EntriesFound>(Patience).Entries.Count);
        Supervisor.Tell(new GetStats(_library), probe.Ref);
        var stats = probe.ExpectMsg<Stats>(Patience).Value;
        Assert.Equal(3, stats.Count);
        Assert.Equal(3, stats.LatestSequence);
        Assert.Equal([new KeyValuePair<string, long>("album", 1), new KeyValuePair<string, long>("tag", 2)], stats.CountsByModel);
    }

    [Fact]
    public void Appends_beyond_the_pending_bound_are_refused_with_Overloaded_and_the_rest_commit()
    {
        using var spec = new BoundedSpec();
        spec.Run();
    }

    /// <summary>A host with a pending bound of 5, whose writer is held up by an outside write transaction.</summary>
    private sealed class BoundedSpec() : SyncLogSpec("synclog.max-pending-appends = 5")
    {
        public void Run()
        {
            var library = Guid.NewGuid();
            using var writing = new ManualResetEventSlim();
            LogWriterSeam.Get(Sys).Wrap = (id, writer) => id == library ? new SignallingWriter(writer, writing) : writer;
            Lead(library);
            var probe = CreateTestProbe();
            AppendOne(library, Entry(0), probe);
            writing.Reset();

            using (var blocker = Raw.Open(LibraryFile(library)))
            {
                using var transaction = blocker.BeginTransaction(deferred: false);
                // The first append's transaction has started (appends arriving together would share it) before the rest come.
                Supervisor.Tell(new Append(library, Entry(1)), probe.Ref);
                Assert.True(writing.Wait(Patience));
                for (var i = 2; i <= 20; i++)
                    Supervisor.Tell(new Append(library, Entry(i)), probe.Ref);
                // The first is in flight, blocked by the outside transaction; five wait; the rest are refused.
                probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
                transaction.Rollback();
            }

            // Replies keep the order of the requests: the six that fit, then the fourteen refusals.
            var replies = probe.ReceiveN(20, Patience);
            Assert.Equal([2L, 3, 4, 5, 6, 7], replies.Take(6).Cast<Appended>().Select(a => a.Sequence));
            Assert.All(replies.Skip(6), m => Assert.Equal(new Overloaded(library, 5), m));
            Assert.Equal(7, Raw.Count(LibraryFile(library)));
        }
    }

    /// <summary>Says when a transaction has started, then writes through the real writer.</summary>
    private sealed class SignallingWriter(ILogWriter inner, ManualResetEventSlim writing) : DelegatingLogWriter(inner)
    {
        public override Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
            Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries)
        {
            writing.Set();
            return base.AppendAsync(entries, joinLate, maxEntries);
        }
    }
}
