using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>Renders results as human-readable tables, or as JSON for scripts.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcTimestampConverter() },
    };

    /// <summary>True when stdout is a terminal a person watches (progress bars make sense).</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    private static readonly JsonSerializerOptions JsonLineOptions = new(JsonOptions) { WriteIndented = false };

    public static void WriteJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>One JSON object on one line (JSON Lines), for commands that print a stream of events.</summary>
    public static void WriteJsonLine<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, JsonLineOptions));

    /// <summary>The one timestamp format of the command line, in tables and JSON: ISO 8601 UTC ending in Z.</summary>
    public static string Time(DateTimeOffset timestamp) => UtcTimestamp.ToText(timestamp);

    /// <summary>"1 entry", "2 entries": a count of entries in a sentence.</summary>
    public static string Entries(long count) => count == 1 ? "1 entry" : $"{count} entries";

    /// <summary>The same format, or null (JSON) when there is no timestamp.</summary>
    public static string? Time(DateTimeOffset? timestamp) => timestamp is { } t ? UtcTimestamp.ToText(t) : null;

    /// <summary>A byte count for people: 512 B, 15.4 KiB, 15.4 MiB, 1.2 GiB.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

    /// <summary>One page of a fetch as JSON: the entries, where the log ends and the cursor to fetch the next page with.</summary>
    public static void WriteEntriesJson(Guid library, long since, FetchResult result)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("library_id", library.ToString("D"));
            writer.WriteNumber("latest_sequence", result.LatestSequence);
            writer.WriteBoolean("has_more", result.HasMore);
            // The --since of the next page: after the last entry returned, or after the vacuumed prefix when truncated.
            writer.WriteNumber("next_since", result.IsTruncated ? result.VacuumedThroughSequence
                : result.Entries.Count > 0 ? result.Entries[^1].Sequence : since);
            writer.WriteBoolean("is_truncated", result.IsTruncated);
            writer.WriteNumber("vacuumed_through_sequence", result.VacuumedThroughSequence);
            writer.WriteStartArray("entries");
            foreach (var entry in result.Entries)
                EntryJson.Write(writer, entry);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stdout.WriteByte((byte)'\n');
    }

    /// <summary>Entries found by a query (<c>history</c>) as one JSON object.</summary>
    public static void WriteEntriesArrayJson(Guid library, IReadOnlyList<SyncLogEntry> entries, bool limited)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("library_id", library.ToString("D"));
            writer.WriteNumber("count", entries.Count);
            writer.WriteBoolean("limited", limited);
            writer.WriteStartArray("entries");
            foreach (var entry in entries)
                EntryJson.Write(writer, entry);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stdout.WriteByte((byte)'\n');
    }

    public static void WriteEntriesTable(IReadOnlyList<SyncLogEntry> entries)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("seq", "time", "device", "model", "record", "change", "ver", "data");
        foreach (var e in entries)
        {
            table.AddRow(
                e.Sequence.ToString(CultureInfo.InvariantCulture),
                Time(e.Timestamp),
                Markup.Escape(e.DeviceId),
                Markup.Escape(e.ModelType),
                Markup.Escape(e.RecordId),
                ChangeTypeText.ToText(e.ChangeType),
                e.Version.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Shorten(e.Data, 60)));
        }

        AnsiConsole.Write(table);
    }

    public static void Line(string text) => AnsiConsole.MarkupLine(text);

    /// <summary>The header of <see cref="EntryLine"/> rows.</summary>
    public static string EntryLineHeader =>
        $"{"seq",8}  {"time",-28}  {"device",-12}  {"model",-14}  {"record",-36}  {"change",-11}  {"ver",3}  data";

    /// <summary>One entry as one plain line (for <c>tail</c>, which prints as entries arrive rather than whole tables).</summary>
    public static string EntryLine(SyncLogEntry e) => string.Create(CultureInfo.InvariantCulture,
        $"{e.Sequence,8}  {Time(e.Timestamp),-28}  {e.DeviceId,-12}  {e.ModelType,-14}  {e.RecordId,-36}  {ChangeTypeText.ToText(e.ChangeType),-11}  {e.Version,3}  {Shorten(e.Data, 60)}");

    /// <summary>Runs <paramref name="work"/> with a progress bar on a terminal, silently when piped or in JSON mode.</summary>
    public static async Task<T> WithProgressAsync<T>(string description, double total, bool quiet,
        Func<Action<double>, Task<T>> work)
    {
        if (quiet || !IsInteractive)
            return await work(_ => { });

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1));
                result = await work(done => task.Value = done);
                task.Value = task.MaxValue;
            });
        return result;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    // Every DateTimeOffset in --json output is written in the one timestamp format.
    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            UtcTimestamp.Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(UtcTimestamp.ToText(value));
    }
}
