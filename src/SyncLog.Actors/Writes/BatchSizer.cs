using System.Diagnostics;

namespace SyncLog.Actors.Writes;

/// <summary>
/// Adaptive group commit: how many entries the next transaction may hold. It never waits for company (a job takes
/// only what is already waiting), so a lone append commits at once; under a backlog the cap grows from
/// <c>max-batch-size</c> towards <c>max-batch-size-hard</c> as far as the rate measured on earlier transactions fits in
/// <c>max-batch-latency</c>, because SQLite commits large transactions at a much higher rate than small ones.
/// </summary>
/// <remarks>
/// The cap only grows after a full transaction (one that met the cap, so more was waiting) that finished within the
/// budget, by at most doubling; it shrinks after any transaction that overran the budget, to what the budget would
/// have held at the rate just measured. Small transactions say little about the rate of large ones and leave it alone.
/// With a budget of zero the cap stays at <c>max-batch-size</c>.
/// </remarks>
internal sealed class BatchSizer
{
    private readonly int _softCap;
    private readonly int _hardCap;
    private readonly long _budgetTicks;
    private readonly Func<long> _clock;

    /// <summary>Creates a sizer; <paramref name="clock"/> (in <see cref="Stopwatch"/> ticks) is for tests.</summary>
    public BatchSizer(int softCap, int hardCap, TimeSpan latencyBudget, Func<long>? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(softCap, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hardCap, softCap);
        _softCap = softCap;
        _hardCap = hardCap;
        _budgetTicks = (long)(latencyBudget.TotalSeconds * Stopwatch.Frequency);
        _clock = clock ?? Stopwatch.GetTimestamp;
        Cap = softCap;
    }

    /// <summary>Most entries the next transaction holds (an <see cref="AppendBatch"/> larger than this still goes whole).</summary>
    public int Cap { get; private set; }

    /// <summary>Now, on the sizer's clock.</summary>
    public long Now() => _clock();

    /// <summary>
    /// For a transaction started at <paramref name="startedAt"/>: true once its latency budget is spent, so the writer
    /// stops taking late joiners and commits what it has. Never true when adaptation is off.
    /// </summary>
    public bool BudgetSpent(long startedAt) => _budgetTicks > 0 && _clock() - startedAt >= _budgetTicks;

    /// <summary>A transaction of <paramref name="entries"/> started at <paramref name="startedAt"/> has committed.</summary>
    public void Committed(int entries, long startedAt)
    {
        if (_budgetTicks <= 0 || entries <= 0)
            return;
        var elapsed = Math.Max(1, _clock() - startedAt);
        // What the budget would hold at the rate this transaction achieved.
        var fits = (long)(entries * (double)_budgetTicks / elapsed);
        if (elapsed > _budgetTicks)
            Cap = (int)Math.Clamp(fits, _softCap, Cap);
        else if (entries >= Cap)
            Cap = (int)Math.Clamp(fits, Cap, Math.Min(_hardCap, 2L * Cap));
    }
}
