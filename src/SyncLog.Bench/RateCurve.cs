using System.Diagnostics;

namespace SyncLog.Bench;

/// <summary>
/// When each thousandth row of a write run was acknowledged, so the rate can be read over any stretch of the table:
/// per tenth of the run (the curve as the table grows), over the first 100k rows, between 1M and 2M rows.
/// Safe to call from many producers at once.
/// </summary>
internal sealed class RateCurve
{
    /// <summary>Rows between two recorded instants.</summary>
    public const int Granularity = 1000;

    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly long[] _at;
    private int _rows;

    public RateCurve(int total)
    {
        Total = total;
        _at = new long[total / Granularity + 2];
    }

    /// <summary>Rows the run writes.</summary>
    public int Total { get; }

    /// <summary>Call when <paramref name="rows"/> more rows are acknowledged.</summary>
    public void Add(int rows)
    {
        var now = Stopwatch.GetTimestamp();
        var after = Interlocked.Add(ref _rows, rows);
        for (var mark = (after - rows) / Granularity + 1; mark <= after / Granularity; mark++)
            _at[mark] = now;
        if (after >= Total)
            _at[^1] = now;
    }

    /// <summary>Rows per second over the whole run.</summary>
    public double Overall => Rate(0, Total);

    /// <summary>
    /// Rows per second while the table grew from <paramref name="from"/> to <paramref name="to"/> rows (both rounded
    /// down to a thousand, except the end of the run). Infinite when the stretch lies inside one acknowledgement.
    /// </summary>
    public double Rate(int from, int to)
    {
        var first = from / Granularity * Granularity;
        var last = to >= Total ? Total : to / Granularity * Granularity;
        var start = first == 0 ? _start : _at[first / Granularity];
        var end = last == Total ? _at[^1] : _at[last / Granularity];
        return (last - first) / Stopwatch.GetElapsedTime(start, end).TotalSeconds;
    }

    /// <summary>The rate over each tenth of the run, in order (tenths rounded up to whole thousands of rows).</summary>
    public IReadOnlyList<double> Tenths()
    {
        var tenth = Math.Max(Granularity, (Total / 10 + Granularity - 1) / Granularity * Granularity);
        var rates = new List<double>();
        for (var from = 0; from < Total; from += tenth)
            rates.Add(Rate(from, Math.Min(from + tenth, Total)));
        return rates;
    }
}
