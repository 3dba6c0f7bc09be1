using System.Diagnostics;
using Akka.Actor;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class BatchSizerSpecs
{
    private static readonly long Second = Stopwatch.Frequency;
    private static readonly Guid Library = Guid.NewGuid();
    private long _now;

    private BatchSizer Sizer(int soft = 100, int hard = 1000, double budgetSeconds = 1, double ceilingSeconds = 10) =>
        new(soft, hard, TimeSpan.FromSeconds(budgetSeconds), TimeSpan.FromSeconds(ceilingSeconds), () => _now);

    [Fact]
    public void A_job_that_leaves_appends_waiting_doubles_the_cap_up_to_the_hard_cap()
    {
        var sizer = Sizer();
        Assert.Equal(100, sizer.Cap);

        var growth = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            sizer.Taken(entriesLeft: 1);
            growth.Add(sizer.Cap);
        }

        Assert.Equal([200, 400, 800, 1000, 1000, 1000], growth);
    }

    [Fact]
    public void A_job_that_takes_everything_waiting_leaves_the_cap_alone()
    {
        var sizer = Sizer();
        GrowTo(sizer, 400);

        sizer.Taken(entriesLeft: 0);

        Assert.Equal(400, sizer.Cap);
    }

    [Fact]
    public void Under_a_backlog_a_full_commit_slower_than_the_budget_but_within_the_ceiling_grows_the_cap()
    {
        // The case the old rule got wrong: at a million rows a 1000-row commit takes longer than the 50 ms budget, yet
        // with a backlog every append's wait is the backlog over the rate, which larger transactions raise.
        var sizer = Sizer();
        GrowTo(sizer, 400);

        var started = _now;
        _now += 5 * Second; // five budgets, half the ceiling
        sizer.Committed(400, started, drained: false); // full, and appends (late joiners the cap kept out) still wait
        Assert.Equal(800, sizer.Cap);

        started = _now;
        _now += 5 * Second;
        sizer.Committed(300, started, drained: false); // the budget, not the cap, ended this one
        Assert.Equal(800, sizer.Cap);
    }

    [Fact]
    public void A_transaction_over_the_ceiling_shrinks_the_cap_to_what_the_ceiling_holds_but_never_below_the_soft_cap()
    {
        var sizer = Sizer();
        GrowTo(sizer, 800);

        var started = _now;
        _now += 20 * Second; // 800 entries in twice the ceiling: 400 fit
        sizer.Committed(800, started, drained: false);
        Assert.Equal(400, sizer.Cap);

        started = _now;
        _now += 1000 * Second;
        sizer.Committed(400, started, drained: false);
        Assert.Equal(100, sizer.Cap);
    }

    [Fact]
    public void A_queue_that_runs_dry_halves_the_cap_back_to_the_soft_cap()
    {
        var sizer = Sizer();
        GrowTo(sizer, 800);

        var caps = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var started = _now;
            _now += 1;
            sizer.Committed(1, started, drained: true); // a lone append with nothing behind it
            caps.Add(sizer.Cap);
        }

        Assert.Equal([400, 200, 100, 100], caps);
    }

    [Fact]
    public void A_transaction_with_appends_still_waiting_or_holding_a_quarter_of_the_cap_keeps_it()
    {
        var sizer = Sizer();
        GrowTo(sizer, 800);

        var started = _now;
        _now += 1;
        sizer.Committed(1, started, drained: false); // small, but a backlog remains
        sizer.Committed(200, started, drained: true); // drained, but a quarter of the cap: a closed loop's group
        Assert.Equal(800, sizer.Cap);
    }

    [Fact]
    public void A_zero_budget_keeps_the_cap_at_the_soft_cap_and_never_ends_a_transaction_early()
    {
        var sizer = Sizer(budgetSeconds: 0);
        var started = _now;
        sizer.Taken(entriesLeft: 5000);
        _now += 1000 * Second;
        sizer.Committed(100, started, drained: false);

        Assert.Equal(100, sizer.Cap);
        Assert.False(sizer.BudgetSpent(started));
    }

    [Fact]
    public void The_budget_of_a_transaction_is_spent_once_it_has_run_that_long()
    {
        var sizer = Sizer();
        var started = _now;
        _now += Second - 1;
        Assert.False(sizer.BudgetSpent(started));
        _now += 1;
        Assert.True(sizer.BudgetSpent(started));
    }

    [Fact]
    public void The_late_join_budget_grows_with_the_cap_and_never_passes_the_ceiling()
    {
        var sizer = Sizer(ceilingSeconds: 5);
        GrowTo(sizer, 400); // four soft caps: four budgets
        var started = _now;
        _now += 4 * Second - 1;
        Assert.False(sizer.BudgetSpent(started));
        _now += 1;
        Assert.True(sizer.BudgetSpent(started));

        GrowTo(sizer, 1000); // ten budgets, but the ceiling is five
        started = _now;
        _now += 5 * Second - 1;
        Assert.False(sizer.BudgetSpent(started));
        _now += 1;
        Assert.True(sizer.BudgetSpent(started));
    }

    [Fact]
    public void The_late_join_budget_shrinks_back_with_the_cap_once_the_queue_runs_dry()
    {
        var sizer = Sizer();
        GrowTo(sizer, 400);
        for (var i = 0; i < 2; i++)
        {
            var lone = _now;
            _now += 1;
            sizer.Committed(1, lone, drained: true);
        }

        Assert.Equal(100, sizer.Cap);
        var started = _now;
        _now += Second;
        Assert.True(sizer.BudgetSpent(started));
    }

    [Fact]
    public void A_ceiling_below_the_budget_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sizer(budgetSeconds: 2, ceilingSeconds: 1));
    }

    [Fact]
    public void Through_the_pipeline_a_backlog_drains_in_growing_transactions_in_order_and_a_lone_append_after_it_goes_alone()
    {
        var replies = new List<(object Request, object Reply)>();
        var sizer = Sizer();
        var pipeline = new WritePipeline(Library, "me", sizer, maxPendingAppends: 100_000, new LeadershipState("me", 1), 0,
            (request, _, reply) => replies.Add((request!, reply)));

        var requests = new List<Append>();
        Submit(pipeline, requests);
        var first = (AppendJob)pipeline.NextJob()!;
        // 2,999 more arrive while the first transaction is written; its writer takes none of them late.
        for (var i = 1; i < 3000; i++)
            Submit(pipeline, requests);
        long latest = 0;
        var sizes = new List<int>();
        for (var job = (WriteJob?)first; job is AppendJob append; job = pipeline.NextJob())
        {
            sizes.Add(append.Entries.Count);
            var sequences = Enumerable.Range(1, append.Entries.Count).Select(i => latest + i).ToList();
            latest += append.Entries.Count;
            _now += Second / 10;
            Assert.True(pipeline.Complete(append.Id, new WriteResult.Committed(sequences, latest)));
        }

        Assert.Equal([1, 100, 200, 400, 800, 1000, 499], sizes);
        Assert.Equal(requests, replies.Select(r => r.Request));
        Assert.Equal(Enumerable.Range(1, 3000).Select(i => (long)i), replies.Select(r => ((Appended)r.Reply).Sequence));

        // The last job held more than a quarter of the cap: the cap stays until the queue clearly runs dry.
        Assert.Equal(1000, sizer.Cap);
        Submit(pipeline, requests);
        var lone = (AppendJob)pipeline.NextJob()!;
        Assert.Single(lone.Entries);
        pipeline.Complete(lone.Id, new WriteResult.Committed([latest + 1], latest + 1));
        Assert.Equal(500, sizer.Cap);
    }

    [Fact]
    public void Through_the_pipeline_late_joiners_the_cap_kept_out_grow_the_cap_and_go_next_in_order()
    {
        var replies = new List<object>();
        var sizer = Sizer();
        var pipeline = new WritePipeline(Library, "me", sizer, maxPendingAppends: 100_000, new LeadershipState("me", 1), 0,
            (request, _, _) => replies.Add(request!));
        var requests = new List<Append>();
        Submit(pipeline, requests);
        var first = (AppendJob)pipeline.NextJob()!;
        for (var i = 0; i < 150; i++)
            Submit(pipeline, requests);

        // The writer fills the transaction to the cap with late joiners; 51 are left out.
        Assert.Equal(99, first.Late.Take(first.Late.Cap - 1).Count);
        Assert.True(pipeline.Complete(first.Id, new WriteResult.Committed(Enumerable.Range(1, 100).Select(i => (long)i).ToList(), 100)));
        Assert.Equal(200, sizer.Cap);

        var next = (AppendJob)pipeline.NextJob()!;
        Assert.Equal(51, next.Entries.Count);
        pipeline.Complete(next.Id, new WriteResult.Committed(Enumerable.Range(101, 51).Select(i => (long)i).ToList(), 151));
        Assert.Equal(requests, replies);
    }

    [Fact]
    public void Through_the_pipeline_a_closed_loop_whose_group_outlasts_the_budget_fills_the_cap_instead_of_splitting_in_two()
    {
        // The bench's 16 producers x 640 in flight at a million rows, scaled down: 1000 appends in flight, a hard cap of
        // 800, and writing a group takes longer than one budget (5 ms an entry, budget 1 s per 100 of the cap). The
        // answered half of the loop comes back while the other half is written; with a fixed budget it arrived too late
        // to join, and the loop settled into alternating transactions of 400 and 600.
        var replies = new List<object>();
        var sizer = Sizer(soft: 100, hard: 800);
        var pipeline = new WritePipeline(Library, "me", sizer, maxPendingAppends: 100_000, new LeadershipState("me", 1), 0,
            (request, _, _) => replies.Add(request!));
        var requests = new List<Append>();
        for (var i = 0; i < 1000; i++)
            Submit(pipeline, requests);

        var sizes = new List<int>();
        var answered = 0;
        long latest = 0;
        for (var round = 0; round < 10; round++)
        {
            var job = (AppendJob)pipeline.NextJob()!;
            var started = _now;
            // The producers answered by the last commit send their next appends while this group is written.
            for (var i = 0; i < answered; i++)
                Submit(pipeline, requests);
            _now += job.Entries.Count * Second / 200;
            var joined = job.Late.Take(job.Late.Cap - job.Entries.Count).Count;
            _now += joined * Second / 200;
            Assert.True(_now - started < 10 * Second); // within the ceiling: only the backlog rules apply

            var count = job.Entries.Count + joined;
            sizes.Add(count);
            Assert.True(pipeline.Complete(job.Id, new WriteResult.Committed(
                Enumerable.Range(1, count).Select(i => latest + i).ToList(), latest + count)));
            latest += count;
            answered = count;
        }

        Assert.Equal([100, 200, 400, 800, 800, 800, 800, 800, 800, 800], sizes);
        Assert.Equal(requests.Take(replies.Count), replies);
    }

    private static void Submit(WritePipeline pipeline, List<Append> requests)
    {
        var entry = new NewSyncLogEntry("me", DateTimeOffset.UnixEpoch, "album", "r", ChangeType.Insert, "{}");
        var append = new Append(Library, entry);
        requests.Add(append);
        pipeline.Submit(new PendingAppend(append, ActorRefs.Nobody, [entry], null, IsBatch: false));
    }

    private static void GrowTo(BatchSizer sizer, int cap)
    {
        while (sizer.Cap < cap)
            sizer.Taken(entriesLeft: 1);
        Assert.Equal(cap, sizer.Cap);
    }
}
