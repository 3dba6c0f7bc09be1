using System.Diagnostics;

namespace SyncLog.Bench;

/// <summary>Rows per second overall and over the last fifth of a run, to show how the rate changes as the table grows.</summary>
internal sealed class RateMeter(int total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int _fifthMark = total - total / 5;
    private (TimeSpan At, int Rows) _lastBeforeMark;
    private TimeSpan _end;

    /// <summary>Call after each commit with the rows written so far.</summary>
    public void Done(int rowsSoFar)
    {
        var now = _clock.Elapsed;
        if (rowsSoFar <= _fifthMark)
            _lastBeforeMark = (now, rowsSoFar);
        if (rowsSoFar >= total)
            _end = now;
    }

    public double Overall => total / _end.TotalSeconds;

    public double LastFifth => _end > _lastBeforeMark.At
        ? (total - _lastBeforeMark.Rows) / (_end - _lastBeforeMark.At).TotalSeconds
        : Overall;
}
