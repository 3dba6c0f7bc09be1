using System.Globalization;

namespace SyncLog.Cli;

/// <summary>Parses the short durations the command line takes: <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>45s</c>.</summary>
internal static class DurationText
{
    /// <summary>The longest duration any option takes: 100 years, far inside what dates can represent.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(36_500);

    /// <summary>
    /// The duration of <paramref name="text"/> for <paramref name="option"/>, between <paramref name="min"/> and
    /// <paramref name="max"/> (default <see cref="Longest"/>), or a usage error naming what is allowed.
    /// </summary>
    public static TimeSpan Parse(string text, string option, TimeSpan min, TimeSpan? max = null)
    {
        var limit = max ?? Longest;
        var range = $"between {Format(min)} and {Format(limit)}";
        var trimmed = text.Trim();
        if (trimmed.Length >= 2
            && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            var unitSeconds = trimmed[^1] switch
            {
                'd' => 86_400L,
                'h' => 3_600L,
                'm' => 60L,
                's' => 1L,
                _ => 0L,
            };
            if (unitSeconds > 0)
            {
                // Compare in seconds before building a TimeSpan, so huge amounts are refused instead of overflowing.
                if (amount > (long)limit.TotalSeconds / unitSeconds)
                    throw new CliUsageException($"{option} must be {range}, got '{text}'");
                var duration = TimeSpan.FromSeconds(amount * unitSeconds);
                if (duration < min)
                    throw new CliUsageException($"{option} must be {range}, got '{text}'");
                return duration;
            }
        }

        throw new CliUsageException($"{option} must be a whole number followed by d, h, m or s (e.g. 30d), got '{text}'");
    }

    /// <summary>
    /// The shortest text for <paramref name="duration"/> in the units <see cref="Parse"/> reads, or in milliseconds when it
    /// is not whole seconds (a reconnect backoff of 200 ms is not "0s").
    /// </summary>
    public static string Format(TimeSpan duration) =>
        duration == TimeSpan.Zero ? "0s"
        : duration.Ticks % TimeSpan.TicksPerSecond != 0 ? $"{Math.Round(duration.TotalMilliseconds):0}ms"
        : duration.TotalSeconds % 86_400 == 0 ? $"{duration.TotalDays:0}d"
        : duration.TotalSeconds % 3_600 == 0 ? $"{duration.TotalHours:0}h"
        : duration.TotalSeconds % 60 == 0 ? $"{duration.TotalMinutes:0}m"
        : $"{duration.TotalSeconds:0}s";
}
