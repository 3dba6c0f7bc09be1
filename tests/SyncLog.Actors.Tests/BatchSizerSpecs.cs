using System.Diagnostics;
using SyncLog.Actors.Writes;

namespace SyncLog.Actors.Tests;

public sealed class BatchSizerSpecs
{
    private static readonly long Second = Stopwatch.Frequency;
    private long _now;

    private BatchSizer Sizer(int soft = 100, int hard = 1000, double budgetSeconds = 1) =>
        new(soft, hard, TimeSpan.FromSeconds(budgetSeconds), () => _now);

    [Fact]
    public void A_full_transaction_within_the_budget_grows_the_cap_at_most_twofold_up_to_the_hard_cap()
    {
        var sizer = Sizer();
        Assert.Equal(100, sizer.Cap);

        var growth = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var started = _now;
            _now += Second / 100; // 10 ms for a full transaction: the budget would hold 100x as many
            sizer.Committed(sizer.Cap, started);
            growth.Add(sizer.Cap);
        }

        Assert.Equal([200, 400, 800, 1000, 1000, 1000], growth);
    }

    [Fact]
    public void A_transaction_over_the_budget_shrinks_the_cap_to_what_the_budget_holds_but_never_below_the_soft_cap()
    {
        var sizer = Sizer();
        GrowTo(sizer, 800);

        var started = _now;
        _now += 2 * Second; // 800 entries in twice the budget: 400 fit
        sizer.Committed(800, started);
        Assert.Equal(400, sizer.Cap);

        started = _now;
        _now += 100 * Second;
        sizer.Committed(400, started);
        Assert.Equal(100, sizer.Cap);
    }

    [Fact]
    public void Transactions_smaller_than_the_cap_leave_it_alone()
    {
        var sizer = Sizer();
        GrowTo(sizer, 400);

        var started = _now;
        _now += 1;
        sizer.Committed(1, started); // a lone append says nothing about the rate of large transactions

        Assert.Equal(400, sizer.Cap);
    }

    [Fact]
    public void A_zero_budget_keeps_the_cap_at_the_soft_cap_and_never_ends_a_transaction_early()
    {
        var sizer = Sizer(budgetSeconds: 0);
        var started = _now;
        _now += Second / 1000;
        sizer.Committed(100, started);
        _now += 1000 * Second;

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

    private void GrowTo(BatchSizer sizer, int cap)
    {
        while (sizer.Cap < cap)
        {
            var started = _now;
            _now += Second / 100;
            sizer.Committed(sizer.Cap, started);
        }

        Assert.Equal(cap, sizer.Cap);
    }
}
