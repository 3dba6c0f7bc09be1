using System.Diagnostics;

namespace SyncLog.Actors.Writes;

/// <summary>
/// Adaptive group commit: how many entries the next transaction may take from the queue. A job never waits for
/// company (it takes only what is already waiting), so a lone append commits at once; under a backlog the cap grows
/// from <c>max-batch-size</c> towards <c>max-batch-size-hard</c>, because SQLite commits large transactions at a much
/// higher rate than small ones, and the time an append waits behind a backlog is the backlog over that rate.
/// </summary>
/// <remarks>
/// <para>The rule, in terms of what an append waits for:</para>
/// <list type="bullet">
/// <item>Grow: a job that leaves appends waiting behind it when it starts, or a transaction that filled the cap (with late
/// joiners) and still left appends waiting when it committed, doubles the cap, up to <c>max-batch-size-hard</c>: in both
/// the cap, not the backlog, ended the transaction. Those appends wait for this transaction whatever its size; in a
/// bigger one they commit with it instead of after it. What the growth adds for the appends at the front of a
/// transaction is the time to write appends that were already waiting, so a bigger cap only costs anyone when the
/// backlog already costs more, however long a commit takes (at a million rows a 1000-row commit alone can take longer
/// than <c>max-batch-latency</c>). Doubling, rather than jumping to the backlog, keeps the first transactions of a
/// burst short. It also keeps a closed loop (producers with a fixed number of appends in flight) from splitting into a
/// full transaction and a small one: the cap grows past what is in flight.</item>
/// <item>Shrink at the ceiling: a transaction that took longer than <c>max-batch-latency-hard</c> shrinks the cap to
/// what the ceiling would have held at the rate it achieved (never below <c>max-batch-size</c>): whatever the backlog,
/// an append that just arrived waits for at most about one such transaction before its own starts.</item>
/// <item>Shrink when the queue runs dry: a transaction that held less than a quarter of the cap and left nothing
/// waiting halves the cap (never below <c>max-batch-size</c>): the backlog is over. (A quarter, not a half, so that a
/// closed loop's groups, which vary with timing, do not make the cap swing.)</item>
/// <item>Late joiners (appends arriving while a transaction is written) stop once it has run <c>max-batch-latency</c>
/// for every <c>max-batch-size</c> of the cap (at most <c>max-batch-latency-hard</c>), so without a backlog the appends
/// that started it wait at most that long for company they did not need. Under a backlog the budget grows with the cap:
/// at a million rows writing the group alone outlasts a fixed 50 ms, and a closed loop then split into two alternating
/// transactions of half its size each, the other half always arriving too late to join (measured: 10,240 appends in
/// flight committed ~5,000 rows a transaction, at the commit cost per row of 1000-row transactions).</item>
/// </list>
/// <para>Every decision reads the injected clock and the counts it is given, so it is deterministic under test. With a
/// budget of zero the cap stays at <c>max-batch-size</c> and late joiners stop only at the cap.</para>
/// </remarks>
internal sealed class BatchSizer
{
    private readonly int _softCap;
    private readonly int _hardCap;
    private readonly long _budgetTicks;
    private readonly long _ceilingTicks;
    private readonly Func<long> _clock;

    /// <summary>Creates a sizer; <paramref name="clock"/> (in <see cref="Stopwatch"/> ticks) is for tests.</summary>
    public BatchSizer(int softCap, int hardCap, TimeSpan latencyBudget, TimeSpan latencyCeiling, Func<long>? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(softCap, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hardCap, softCap);
        ArgumentOutOfRangeException.ThrowIfLessThan(latencyCeiling, latencyBudget);
        _softCap = softCap;
        _hardCap = hardCap;
        _budgetTicks = (long)(latencyBudget.TotalSeconds * Stopwatch.Frequency);
        _ceilingTicks = (long)(latencyCeiling.TotalSeconds * Stopwatch.Frequency);
        _clock = clock ?? Stopwatch.GetTimestamp;
        Cap = softCap;
    }

    /// <summary>Most entries the next transaction takes (an <see cref="AppendBatch"/> larger than this still goes whole).</summary>
    public int Cap { get; private set; }

    private bool Adaptive => _budgetTicks > 0;

    /// <summary>Now, on the sizer's clock.</summary>
    public long Now() => _clock();

    /// <summary>
    /// For a transaction started at <paramref name="startedAt"/>: true once its latency budget is spent, so the writer
    /// stops taking late joiners and commits what it has. Never true when adaptation is off.
    /// </summary>
    public bool BudgetSpent(long startedAt) => Adaptive && _clock() - startedAt >= JoinBudgetTicks;

    /// <summary>
    /// How long a transaction takes late joiners: <c>max-batch-latency</c> per <c>max-batch-size</c> of the cap, so a
    /// cap grown under a backlog can fill with the appends that backlog sends; never past the ceiling.
    /// </summary>
    private long JoinBudgetTicks => Math.Min(_ceilingTicks, (long)(_budgetTicks * ((double)Cap / _softCap)));

    /// <summary>A job was taken from the queue, leaving <paramref name="entriesLeft"/> append entries waiting behind it.</summary>
    public void Taken(int entriesLeft)
    {
        if (Adaptive && entriesLeft > 0)
            Cap = (int)Math.Min(_hardCap, 2L * Cap);
    }

    /// <summary>
    /// A transaction of <paramref name="entries"/> started at <paramref name="startedAt"/> has committed;
    /// <paramref name="drained"/> when no append was left waiting after it.
    /// </summary>
    public void Committed(int entries, long startedAt, bool drained)
    {
        if (!Adaptive || entries <= 0)
            return;
        var elapsed = Math.Max(1, _clock() - startedAt);
        if (elapsed > _ceilingTicks)
        {
            // What the ceiling would have held at the rate this transaction achieved.
            var fits = (long)(entries * (double)_ceilingTicks / elapsed);
            Cap = (int)Math.Clamp(fits, _softCap, Math.Max(_softCap, Cap));
        }
        else if (!drained && entries >= Cap)
        {
            Cap = (int)Math.Min(_hardCap, 2L * Cap);
        }
        else if (drained && entries < Cap / 4)
        {
            Cap = Math.Max(_softCap, Cap / 2);
        }
    }
}
