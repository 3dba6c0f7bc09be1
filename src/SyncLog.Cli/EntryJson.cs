using System.Globalization;
using System.Text;
using System.Text.Json;
using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>
/// The JSON form of entries on the command line (export, <c>--json</c>, <c>append --file</c>, <c>replicate</c>): one
/// object per entry, keys named after the columns, <c>data</c> embedded as JSON rather than as a string, timestamps
/// as <see cref="UtcTimestamp"/> text.
/// </summary>
internal static class EntryJson
{
    /// <summary>The optional key of an entries-file line that names the line for resumable imports.</summary>
    public const string IdempotencyKeyField = "idempotency_key";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    // A key given twice ("device_id" for one device, then another) is a mistake, not a choice of the last one.
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

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
        if (entry.Checksum is { } checksum)
            writer.WriteString("checksum", checksum.ToString());
        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads one line of an entries file: <c>device_id</c>, <c>model_type</c>, <c>record_id</c>, <c>change_type</c> and
    /// <c>data</c> are required; <c>timestamp</c> defaults to <paramref name="now"/>, <c>version</c> to 1,
    /// <c>idempotency_key</c> to <paramref name="defaultKey"/>. The entry is checked with the log's own rules, so every
    /// error names the line and the field.
    /// </summary>
    public static NewSyncLogEntry ParseNew(string line, int lineNumber, DateTimeOffset now, string? defaultKey)
    {
        using var document = Parse(line, lineNumber);
        var root = document.RootElement;
        var entry = new NewSyncLogEntry(
            DeviceId: RequiredString(root, "device_id", lineNumber),
            Timestamp: OptionalTimestamp(root, lineNumber) ?? now,
            ModelType: RequiredString(root, "model_type", lineNumber),
            RecordId: RequiredString(root, "record_id", lineNumber),
            ChangeType: ParseChange(RequiredString(root, "change_type", lineNumber), lineNumber),
            Data: RequiredData(root, lineNumber),
            Version: OptionalLong(root, "version", lineNumber) ?? 1,
            IdempotencyKey: OptionalString(root, IdempotencyKeyField, lineNumber) ?? defaultKey);
        Check(lineNumber, () => EntryValidator.Validate(entry, "entry"));
        return entry;
    }

    /// <summary>Reads one line of an export (an entry with its <c>sequence</c>), for <c>replicate</c>.</summary>
    public static SyncLogEntry ParseStored(string line, int lineNumber)
    {
        using var document = Parse(line, lineNumber);
        var root = document.RootElement;
        var entry = new SyncLogEntry(
            Id: 0,
            Sequence: OptionalLong(root, "sequence", lineNumber) ?? throw Field(lineNumber, "sequence", "is required"),
            DeviceId: RequiredString(root, "device_id", lineNumber),
            Timestamp: OptionalTimestamp(root, lineNumber) ?? throw Field(lineNumber, "timestamp", "is required"),
            ModelType: RequiredString(root, "model_type", lineNumber),
            RecordId: RequiredString(root, "record_id", lineNumber),
            ChangeType: ParseChange(RequiredString(root, "change_type", lineNumber), lineNumber),
            Version: OptionalLong(root, "version", lineNumber) ?? 1,
            Data: RequiredData(root, lineNumber),
            Checksum: OptionalChecksum(root, lineNumber));
        Check(lineNumber, () => EntryValidator.ValidateStored(entry, "entry"));
        return entry;
    }

    // An export's checksum (the leader's chain), verified by the follower; absent in files written by hand.
    private static SyncLogChecksum? OptionalChecksum(JsonElement root, int lineNumber)
    {
        if (OptionalString(root, "checksum", lineNumber) is not { } text)
            return null;
        try
        {
            return SyncLogChecksum.Parse(text);
        }
        catch (FormatException e)
        {
            throw Field(lineNumber, "checksum", $"must be 64 hex digits: {e.Message}");
        }
    }

    /// <summary>Parses <c>insert</c>, <c>update</c>, <c>delete</c> or <c>bulk_insert</c>, or fails with what is allowed.</summary>
    public static ChangeType ParseChange(string text, int? lineNumber = null) =>
        ChangeTypeText.TryParse(text, out var change)
            ? change
            : throw new CliUsageException(
                $"{(lineNumber is { } n ? $"line {n}: " : "")}change_type must be insert, update, delete or bulk_insert, got '{text}'");

    private static JsonDocument Parse(string line, int lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, DocumentOptions);
        }
        catch (JsonException e)
        {
            // JsonException's message ends in "LineNumber: 0 | BytePositionInLine: n."; say it in the file's terms.
            var reason = ErrorReport.WithoutJsonPosition(e.Message);
            var duplicate = reason.IndexOf("Duplicate property '", StringComparison.Ordinal);
            if (duplicate >= 0)
            {
                var name = reason[(duplicate + 20)..].Split('\'')[0];
                throw Field(lineNumber, name, "is given twice; give each field once");
            }

            var column = e.BytePositionInLine is { } b ? $" at column {b + 1}" : "";
            throw new CliUsageException($"line {lineNumber}: not valid JSON{column}: {reason.Trim().TrimEnd('.')}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            // Name the kind before disposing: a disposed document's elements cannot be read.
            var kind = Kind(document.RootElement);
            document.Dispose();
            throw new CliUsageException($"line {lineNumber}: expected a JSON object, got {kind}");
        }

        return document;
    }

    private static void Check(int lineNumber, Action check)
    {
        try
        {
            check();
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"line {lineNumber}: {ErrorReport.WithoutJsonPosition(EntryValidator.ReasonOf(e))}");
        }
    }

    private static string RequiredString(JsonElement root, string name, int lineNumber) =>
        OptionalString(root, name, lineNumber) ?? throw Field(lineNumber, name, "is required");

    private static string? OptionalString(JsonElement root, string name, int lineNumber)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Field(lineNumber, name, $"must be a string, got {Kind(value)}");
    }

    private static long? OptionalLong(JsonElement root, string name, int lineNumber)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw Field(lineNumber, name, $"must be a whole number, got {Kind(value)} {Shorten(value.GetRawText())}");
    }

    private static DateTimeOffset? OptionalTimestamp(JsonElement root, int lineNumber)
    {
        if (!root.TryGetProperty("timestamp", out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return parsed.ToUniversalTime();
        throw Field(lineNumber, "timestamp", $"must be an ISO 8601 date and time such as 2026-11-24T09:30:00Z, got {Shorten(value.GetRawText())}");
    }

    private static string RequiredData(JsonElement root, int lineNumber) =>
        root.TryGetProperty("data", out var data) ? data.GetRawText() : throw Field(lineNumber, "data", "is required");

    private static CliUsageException Field(int lineNumber, string name, string problem) =>
        new($"line {lineNumber}: '{name}' {problem}");

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..39] + "…";
}
