using System.Text;
using System.Text.Json;
using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>
/// The JSON form of entries on the command line (export, <c>--json</c>, <c>append --file</c>): one object per entry,
/// keys named after the columns, <c>data</c> embedded as JSON rather than as a string.
/// </summary>
internal static class EntryJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>One entry as a single line of JSON.</summary>
    public static string ToLine(SyncLogEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            Write(writer, entry);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes <paramref name="entry"/> as a JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, SyncLogEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sequence", entry.Sequence);
        writer.WriteString("device_id", entry.DeviceId);
        writer.WriteString("timestamp", UtcTimestamp.ToText(entry.Timestamp));
        writer.WriteString("model_type", entry.ModelType);
        writer.WriteString("record_id", entry.RecordId);
        writer.WriteString("change_type", ChangeTypeText.ToText(entry.ChangeType));
        writer.WriteNumber("version", entry.Version);
        writer.WritePropertyName("data");
        writer.WriteRawValue(entry.Data, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads one line of an entries file: <c>device_id</c>, <c>model_type</c>, <c>record_id</c>, <c>change_type</c> and
    /// <c>data</c> are required; <c>timestamp</c> defaults to <paramref name="now"/>, <c>version</c> to 1.
    /// </summary>
    public static NewSyncLogEntry ParseNew(string line, int lineNumber, DateTimeOffset now)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new CliUsageException($"line {lineNumber}: expected a JSON object");
            return new NewSyncLogEntry(
                DeviceId: RequiredString(root, "device_id", lineNumber),
                Timestamp: root.TryGetProperty("timestamp", out var ts) ? ts.GetDateTimeOffset() : now,
                ModelType: RequiredString(root, "model_type", lineNumber),
                RecordId: RequiredString(root, "record_id", lineNumber),
                ChangeType: ParseChange(RequiredString(root, "change_type", lineNumber), lineNumber),
                Data: root.TryGetProperty("data", out var data)
                    ? data.GetRawText()
                    : throw new CliUsageException($"line {lineNumber}: 'data' is required"),
                Version: root.TryGetProperty("version", out var version) ? version.GetInt64() : 1);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new CliUsageException($"line {lineNumber}: {e.Message}");
        }
    }

    /// <summary>Parses <c>insert</c>, <c>update</c>, <c>delete</c> or <c>bulk_insert</c>, or fails with what is allowed.</summary>
    public static ChangeType ParseChange(string text, int? lineNumber = null) =>
        ChangeTypeText.TryParse(text, out var change)
            ? change
            : throw new CliUsageException(
                $"{(lineNumber is { } n ? $"line {n}: " : "")}change must be insert, update, delete or bulk_insert, got '{text}'");

    private static string RequiredString(JsonElement root, string name, int lineNumber) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new CliUsageException($"line {lineNumber}: '{name}' is required and must be a string");
}
