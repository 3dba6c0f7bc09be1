using System.Globalization;

namespace SyncLog.Storage;

/// <summary>
/// The stored form of timestamps: fixed-width ISO-8601 UTC with seven fractional digits
/// (<c>2026-11-24T09:30:00.0000000Z</c>), so that text order in SQLite is time order.
/// </summary>
public static class UtcTimestamp
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>Normalizes any offset to UTC and formats it for storage.</summary>
    public static string ToText(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Parses stored text back into a UTC <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset Parse(string text) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture), DateTimeKind.Utc));
}
