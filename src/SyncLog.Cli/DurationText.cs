using System.Globalization;

namespace SyncLog.Cli;

/// <summary>Parses the short durations the command line takes: <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>45s</c>.</summary>
internal static class DurationText
{
    /// <summary>The duration of <paramref name="text"/>, or a usage error naming what is allowed.</summary>
    public static TimeSpan Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2
            && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            switch (trimmed[^1])
            {
                case 'd': return TimeSpan.FromDays(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 's': return TimeSpan.FromSeconds(amount);
            }
        }

        throw new CliUsageException($"duration must be a whole number followed by d, h, m or s (e.g. 30d), got '{text}'");
    }
}
