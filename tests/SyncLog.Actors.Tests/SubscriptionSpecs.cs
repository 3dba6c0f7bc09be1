using Akka.Actor;
using Akka.TestKit;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class SubscriptionSpecs() : SyncLogSpec("""
    synclog.subscription-buffer = 5
    synclog.passivate-after = 500ms
    """)
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void Catch_up_then_live_delivers_every_entry_once_in_order_while_appends_race_the_catch_up()
    {
        Lead(_library);
        var writer = CreateTestProbe();
        for (var i = 0; i < 40; i++)
            Supervisor.Tell(new Append(_library, Entry(i)), writer.Ref);
        writer.ReceiveN(40, Patience);

        var subscriber = CreateTestProbe();
        Supervisor.Tell(new Subscribe(_library, 0, subscriber.Ref, long.MaxValue), subscriber.Ref);
        // Appends race the catch-up: some commit before the subscription reads them, some after it is live.
        for (var i = 40; i < 200; i++)
            Supervisor.Tell(new Append(_library, Entry(i)), writer.Ref);

        subscriber.ExpectMsg<SubscriptionStarted>(Patience);
        var got = Collect(subscriber, 200);
        writer.ReceiveN(160, Patience);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), got.Select(e => e.Sequence));
        Assert.Equal(ReadAll(_library), got);
        // Nothing beyond the log, nothing twice.
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Entries_are_pushed_only_within_demand()
    {
        Lead(_library);
        for (var i = 0; i < 10; i++)
            AppendOne(_library, Entry(i));
        var subscriber = CreateTestProbe();

        Supervisor.Tell(new Subscribe(_library, 2, subscriber.Ref, InitialDemand: 3), subscriber.Ref);

        Assert.Equal(10, subscriber.ExpectMsg<SubscriptionStarted>(Patience).LatestSequence);
        Assert.Equal([3L, 4, 5], Collect(subscriber, 3).Select(e => e.Sequence));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Supervisor.Tell(new RequestEntries(_library, subscriber.Ref, 4), subscriber.Ref);
        Assert.Equal([6L, 7, 8, 9], Collect(subscriber, 4).Select(e => e.Sequence));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // Live: one more demand is met by the next commit, and no further.
        Supervisor.Tell(new RequestEntries(_library, subscriber.Ref, 2), subscriber.Ref);
        Assert.Equal([10L], Collect(subscriber, 1).Select(e => e.Sequence));
        AppendOne(_library, Entry(10));
        AppendOne(_library, Entry(11));
        Assert.Equal([11L], Collect(subscriber, 1).Select(e => e.Sequence));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_slow_subscriber_never_holds_back_the_writer_and_catches_up_from_the_file_in_bounded_pages()
    {
        Lead(_library);
        var subscriber = CreateTestProbe();
        OpenAndSubscribe(subscriber, after: 0, demand: 1);

        // The subscriber has no demand left: every append is still acknowledged at once.
        var writer = CreateTestProbe();
        Supervisor.Tell(new AppendBatch(_library, Enumerable.Range(0, 100).Select(i => Entry(i)).ToList()), writer.Ref);
        writer.ExpectMsg<BatchAppended>(Patience);
        for (var i = 0; i < 20; i++)
            AppendOne(_library, Entry(i), writer);
        Assert.Equal([1L], Collect(subscriber, 1).Select(e => e.Sequence));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Supervisor.Tell(new RequestEntries(_library, subscriber.Ref, 1000), subscriber.Ref);
        var pages = new List<IReadOnlyList<SyncLogEntry>>();
        while (pages.Sum(p => p.Count) < 119)
            pages.Add(subscriber.ExpectMsg<SubscriptionEntries>(Patience).Entries);
        Assert.All(pages, p => Assert.InRange(p.Count, 1, 5));
        Assert.Equal(Enumerable.Range(2, 119).Select(i => (long)i), pages.SelectMany(p => p).Select(e => e.Sequence));

        // Caught up: the next commit is pushed live.
        AppendOne(_library, Entry(999));
        Assert.Equal([121L], Collect(subscriber, 1).Select(e => e.Sequence));
    }

    [Fact]
    public void Subscribing_below_the_vacuum_floor_ends_with_truncated()
    {
        LeadWithThreeOldEntriesThenOneNew();
        VacuumTheOldEntries();
        var subscriber = CreateTestProbe();

        Supervisor.Tell(new Subscribe(_library, 1, subscriber.Ref), subscriber.Ref);

        subscriber.ExpectMsg<SubscriptionStarted>(Patience);
        var ended = subscriber.ExpectMsg<SubscriptionEnded>(Patience);
        Assert.Equal((SubscriptionEndReason.Truncated, 1L, 3L), (ended.Reason, ended.LastDeliveredSequence, ended.VacuumedThroughSequence));

        // At the floor is fine: everything after it still exists.
        var atFloor = CreateTestProbe();
        Supervisor.Tell(new Subscribe(_library, 3, atFloor.Ref, 10), atFloor.Ref);
        atFloor.ExpectMsg<SubscriptionStarted>(Patience);
        Assert.Equal([4L], Collect(atFloor, 1).Select(e => e.Sequence));
    }

    [Fact]
    public void A_vacuum_that_overtakes_a_lagging_subscriber_ends_it_with_truncated()
    {
        LeadWithThreeOldEntriesThenOneNew();
        var subscriber = CreateTestProbe();
        OpenAndSubscribe(subscriber, after: 0, demand: 1);
        Assert.Equal([1L], Collect(subscriber, 1).Select(e => e.Sequence));

        VacuumTheOldEntries();

        var ended = subscriber.ExpectMsg<SubscriptionEnded>(Patience);
        Assert.Equal((SubscriptionEndReason.Truncated, 1L, 3L), (ended.Reason, ended.LastDeliveredSequence, ended.VacuumedThroughSequence));
    }

    [Fact]
    public void A_library_with_subscribers_does_not_passivate_and_passivates_once_the_last_one_dies()
    {
        Lead(_library);
        AppendOne(_library, Entry(0));
        var subscriber = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor)));
        Supervisor.Tell(new Subscribe(_library, 0, subscriber, 10));
        ExpectMsg<SubscriptionStarted>(Patience);
        var library = LastSender;
        Assert.Equal([1L], ExpectMsg<SubscriptionEntries>(Patience).Entries.Select(e => e.Sequence));
        Watch(library);

        // Well past passivate-after (500ms), idle, still open and still pushing.
        ExpectNoMsg(TimeSpan.FromMilliseconds(1500));
        AppendOne(_library, Entry(1));
        Assert.Equal([2L], ExpectMsg<SubscriptionEntries>(Patience).Entries.Select(e => e.Sequence));

        // The subscriber dies: it is dropped, and the idle library passivates.
        Sys.Stop(subscriber);
        ExpectTerminated(library, Patience);
    }

    [Fact]
    public void Unsubscribe_ends_the_subscription_and_nothing_more_is_pushed()
    {
        Lead(_library);
        var subscriber = CreateTestProbe();
        OpenAndSubscribe(subscriber, after: 0, demand: 100);

        Supervisor.Tell(new Unsubscribe(_library, subscriber.Ref), subscriber.Ref);

        Assert.Equal(SubscriptionEndReason.Unsubscribed, subscriber.ExpectMsg<SubscriptionEnded>(Patience).Reason);
        AppendOne(_library, Entry(0));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_failed_write_keeps_the_subscription_and_a_library_restart_ends_it_resumably()
    {
        var failNext = 0;
        LogWriterSeam.Get(Sys).Wrap = (_, writer) => new FailingWriter(writer, () => Interlocked.Exchange(ref failNext, 0) == 1);
        Lead(_library);
        AppendOne(_library, Entry(0));
        var subscriber = CreateTestProbe();
        Supervisor.Tell(new Subscribe(_library, 0, subscriber.Ref, 100), subscriber.Ref);
        subscriber.ExpectMsg<SubscriptionStarted>(Patience);
        var library = subscriber.LastSender;
        Assert.Equal([1L], Collect(subscriber, 1).Select(e => e.Sequence));

        Interlocked.Exchange(ref failNext, 1);
        var writer = CreateTestProbe();
        Supervisor.Tell(new Append(_library, Entry(1)), writer.Ref);
        writer.ExpectMsg<StorageFailure>(Patience);
        Assert.Equal(2, AppendOne(_library, Entry(2)));
        Assert.Equal([2L], Collect(subscriber, 1).Select(e => e.Sequence));

        // A bug restarts the library actor: the subscriber is told, with where to resume.
        library.Tell(Kill.Instance);
        var ended = subscriber.ExpectMsg<SubscriptionEnded>(Patience);
        Assert.Equal((SubscriptionEndReason.LibraryStopped, 2L), (ended.Reason, ended.LastDeliveredSequence));
        Supervisor.Tell(new Subscribe(_library, ended.LastDeliveredSequence, subscriber.Ref, 100), subscriber.Ref);
        subscriber.ExpectMsg<SubscriptionStarted>(Patience);
        Assert.Equal(3, AppendOne(_library, Entry(3)));
        Assert.Equal([3L], Collect(subscriber, 1).Select(e => e.Sequence));
    }

    [Fact]
    public void Bad_subscriptions_are_refused_to_the_sender()
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new Subscribe(_library, 0, probe.Ref), probe.Ref);
        probe.ExpectMsg<LibraryNotFound>(Patience);

        Lead(_library);
        AppendOne(_library, Entry(0));
        Supervisor.Tell(new Subscribe(_library, -1, probe.Ref), probe.Ref);
        Assert.Contains("sequence", probe.ExpectMsg<InvalidRequest>(Patience).Reason);
        Supervisor.Tell(new Subscribe(_library, 0, probe.Ref, -1), probe.Ref);
        Assert.Contains("initial demand must be 0 or more, got -1", probe.ExpectMsg<InvalidRequest>(Patience).Reason);
        Supervisor.Tell(new Subscribe(_library, 0, probe.Ref), probe.Ref);
        probe.ExpectMsg<SubscriptionStarted>(Patience);
        Supervisor.Tell(new Subscribe(_library, 0, probe.Ref), probe.Ref);
        Assert.Contains("already subscribed", probe.ExpectMsg<InvalidRequest>(Patience).Reason);
        Supervisor.Tell(new RequestEntries(_library, probe.Ref, 0), probe.Ref);
        Assert.Contains("count must be at least 1, got 0", probe.ExpectMsg<InvalidRequest>(Patience).Reason);
    }

    [Fact]
    public void Randomized_appends_and_subscribers_with_random_demand_each_get_exactly_the_log()
    {
        const int seed = 20261127;
        const int total = 400;
        var random = new Random(seed);
        Lead(_library);
        AppendOne(_library, Entry(-1));
        var subscribers = Enumerable.Range(0, 4).Select(_ => CreateTestProbe()).ToList();
        var after = subscribers.Select(_ => (long)random.Next(0, 2)).ToList();
        var got = subscribers.Select(_ => new List<SyncLogEntry>()).ToList();
        var demand = new long[subscribers.Count];
        for (var s = 0; s < subscribers.Count; s++)
        {
            demand[s] = random.Next(0, 8);
            Supervisor.Tell(new Subscribe(_library, after[s], subscribers[s].Ref, demand[s]), subscribers[s].Ref);
            subscribers[s].ExpectMsg<SubscriptionStarted>(Patience);
        }

        var writer = CreateTestProbe();
        var appended = 1;
        var acks = 0;
        while (appended < total || got.Select((g, s) => g.Count + after[s]).Any(n => n < total))
        {
            if (appended < total)
            {
                var size = Math.Min(random.Next(1, 12), total - appended);
                Supervisor.Tell(size == 1
                    ? new Append(_library, Entry(appended))
                    : new AppendBatch(_library, Enumerable.Range(appended, size).Select(i => Entry(i)).ToList()), writer.Ref);
                appended += size;
                acks++;
            }

            var s = random.Next(subscribers.Count);
            if (demand[s] == 0 || random.Next(3) == 0)
            {
                var more = random.Next(1, 20);
                demand[s] += more;
                Supervisor.Tell(new RequestEntries(_library, subscribers[s].Ref, more), subscribers[s].Ref);
            }

            // Take whatever has arrived; never more than was asked for.
            foreach (var (probe, index) in subscribers.Select((p, i) => (p, i)))
            {
                while (probe.HasMessages)
                {
                    var page = probe.ExpectMsg<SubscriptionEntries>(Patience).Entries;
                    Assert.True(page.Count <= demand[index], $"seed {seed}: subscriber {index} got {page.Count} with demand {demand[index]}");
                    demand[index] -= page.Count;
                    got[index].AddRange(page);
                }

                if (appended >= total && demand[index] == 0 && got[index].Count + after[index] < total)
                {
                    demand[index] += 50;
                    Supervisor.Tell(new RequestEntries(_library, probe.Ref, 50), probe.Ref);
                }
            }

            // Once every append is sent, wait for the next page instead of spinning.
            if (appended >= total)
                AwaitCondition(() => subscribers.Any(p => p.HasMessages) || got.Select((g, i) => g.Count + after[i]).All(n => n >= total), Patience);
        }

        writer.ReceiveN(acks, Patience);
        var log = ReadAll(_library);
        for (var s = 0; s < subscribers.Count; s++)
            Assert.Equal(log.Skip((int)after[s]), got[s]);
    }

    // Sequences 1-3 two days old, then 4 written now: a vacuum of what is a day old leaves 4 alone.
    private void LeadWithThreeOldEntriesThenOneNew()
    {
        Lead(_library);
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        for (var i = 0; i < 3; i++)
            AppendOne(_library, Entry(i, at: old.AddMinutes(i)));
        AppendOne(_library, Entry(3));
    }

    // Removes sequences 1-3 of LeadWithThreeOldEntriesThenOneNew: the vacuum floor is then 3.
    private void VacuumTheOldEntries()
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new VacuumOldEntries(_library, DateTimeOffset.UtcNow.AddDays(-1)), probe.Ref);
        probe.ExpectMsg<Vacuumed>(Patience);
    }

    private void OpenAndSubscribe(TestProbe subscriber, long after, long demand)
    {
        Supervisor.Tell(new OpenLibrary(_library), subscriber.Ref);
        subscriber.ExpectMsg<LibraryOpened>(Patience);
        Supervisor.Tell(new Subscribe(_library, after, subscriber.Ref, demand), subscriber.Ref);
        subscriber.ExpectMsg<SubscriptionStarted>(Patience);
    }

    private static List<SyncLogEntry> Collect(TestProbe subscriber, int count)
    {
        var got = new List<SyncLogEntry>();
        while (got.Count < count)
            got.AddRange(subscriber.ExpectMsg<SubscriptionEntries>(Patience).Entries);
        Assert.Equal(count, got.Count);
        return got;
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef to) => ReceiveAny(m => to.Forward(m));
    }

    private sealed class FailingWriter(ILogWriter inner, Func<bool> failNow) : DelegatingLogWriter(inner)
    {
        public override Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
            Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries) =>
            failNow() ? Task.FromException<IReadOnlyList<long>>(new IOException("injected write failure")) : Inner.AppendAsync(entries, joinLate, maxEntries);
    }
}
