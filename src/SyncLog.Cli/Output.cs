using System.Text.Json;
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
    };

    /// <summary>True when stdout is a terminal a person watches (progress bars make sense).</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static void WriteJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    public static void WriteEntriesJson(FetchResult result)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("latest_sequence", result.LatestSequence);
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

    public static void WriteEntriesTable(IReadOnlyList<SyncLogEntry> entries)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("seq", "time (UTC)", "device", "model", "record", "change", "ver", "data");
        foreach (var e in entries)
        {
            table.AddRow(
                e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(e.DeviceId),
                Markup.Escape(e.ModelType),
                Markup.Escape(e.RecordId),
                ChangeTypeText.ToText(e.ChangeType),
                e.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(Shorten(e.Data, 60)));
        }

        AnsiConsole.Write(table);
    }

    public static void Line(string text) => AnsiConsole.MarkupLine(text);

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
}
