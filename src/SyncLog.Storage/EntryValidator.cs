using System.Text.Json;

namespace SyncLog.Storage;

/// <summary>Checks caller input at the storage edge, so bad input fails before any sequence is taken or row written.</summary>
internal static class EntryValidator
{
    public static void Validate(NewSyncLogEntry? entry, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entry, paramName);
        RequireId(entry.DeviceId, paramName, "device id");
        RequireId(entry.ModelType, paramName, "model type");
        RequireId(entry.RecordId, paramName, "record id");
        if (!Enum.IsDefined(entry.ChangeType))
            throw new ArgumentException(
                $"change type must be Insert, Update, Delete or BulkInsert, got {(int)entry.ChangeType}", paramName);
        if (entry.Version < 1)
            throw new ArgumentException($"version must be at least 1, got {entry.Version}", paramName);
        RequireJson(entry.Data, paramName);
    }

    public static void ValidateBatch(IReadOnlyList<NewSyncLogEntry>? entries, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entries, paramName);
        if (entries.Count == 0)
            throw new ArgumentException("a batch must hold at least one entry", paramName);
        for (var i = 0; i < entries.Count; i++)
        {
            try
            {
                Validate(entries[i], paramName);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"entry {i} of the batch: {StripParamSuffix(e)}", paramName, e);
            }
        }
    }

    public static void ValidateStored(SyncLogEntry? entry, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entry, paramName);
        if (entry.Sequence < 1)
            throw new ArgumentException($"sequence must be at least 1, got {entry.Sequence}", paramName);
        Validate(new NewSyncLogEntry(entry.DeviceId, entry.Timestamp, entry.ModelType, entry.RecordId,
            entry.ChangeType, entry.Data, entry.Version), paramName);
    }

    public static void RequireId(string? value, string paramName, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"{what} must not be empty", paramName);
    }

    public static void RequireSequence(long sequence, string paramName)
    {
        if (sequence < 0)
            throw new ArgumentOutOfRangeException(paramName, sequence, $"sequence must be 0 or more, got {sequence}");
    }

    public static void RequireLimit(int limit, string paramName)
    {
        if (limit < 1 || limit > SyncLogDb.MaxFetchLimit)
            throw new ArgumentOutOfRangeException(paramName, limit,
                $"limit must be between 1 and {SyncLogDb.MaxFetchLimit}, got {limit}");
    }

    private static void RequireJson(string? data, string paramName)
    {
        if (string.IsNullOrWhiteSpace(data))
            throw new ArgumentException("data must be a JSON document, got an empty string", paramName);
        try
        {
            using var _ = JsonDocument.Parse(data);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"data must be valid JSON: {e.Message}", paramName, e);
        }
    }

    // ArgumentException.Message appends " (Parameter 'x')"; the batch wrapper adds its own.
    private static string StripParamSuffix(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
}
