using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SyncLog.Storage;

/// <summary>
/// The input rules of the log, shared by <see cref="SyncLogDb"/> and hosts that must check a request before
/// queuing it (so one bad entry never fails a group commit of others). Each method throws an
/// <see cref="ArgumentException"/> whose message says what was wrong and what is allowed.
/// </summary>
public static class EntryValidator
{
    /// <summary>The largest sequence the log assigns or accepts: every sequence stays exact as a JSON number.</summary>
    public const long MaxSequence = 9_007_199_254_740_991; // 2^53-1, exact in JSON numbers

    /// <summary>The longest <see cref="NewSyncLogEntry.IdempotencyKey"/> accepted, in UTF-16 characters.</summary>
    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>Checks ids, change type, version and that <c>Data</c> is one JSON document.</summary>
    public static void Validate(NewSyncLogEntry? entry, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entry, paramName);
        RequireFields(entry.DeviceId, entry.ModelType, entry.RecordId, entry.ChangeType, entry.Version, paramName);
        RequireJson(entry.Data, paramName);
        if (entry.IdempotencyKey is not null)
            RequireIdempotencyKey(entry.IdempotencyKey, paramName);
    }

    /// <summary>
    /// Checks an idempotency key: 1 to <see cref="MaxIdempotencyKeyLength"/> characters, not only white space,
    /// no control characters.
    /// </summary>
    public static void RequireIdempotencyKey(string? key, string paramName)
    {
        var allowed = $"an idempotency key must be 1 to {MaxIdempotencyKeyLength} characters, not only white space, without control characters";
        if (string.IsNullOrWhiteSpace(key))
            throw new ArgumentException($"{allowed}; got an empty key", paramName);
        if (key.Length > MaxIdempotencyKeyLength)
            throw new ArgumentException($"{allowed}; got {key.Length} characters", paramName);
        var control = key.AsSpan().IndexOfAnyInRange('\u0000', '\u001f');
        if (control < 0)
            control = key.AsSpan().IndexOfAnyInRange('\u007f', '\u009f');
        if (control >= 0)
            throw new ArgumentException($"{allowed}; got U+{(int)key[control]:X4} at position {control}", paramName);
    }

    /// <summary>
    /// Checks a non-empty batch, naming the first bad entry by index. Two different entries of one batch may not share
    /// an idempotency key: the second would silently get the first's sequence and be dropped, which is a caller's
    /// mistake, not a retry (an identical repeat is a retry and gets the first's sequence).
    /// </summary>
    public static void ValidateBatch(IReadOnlyList<NewSyncLogEntry>? entries, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entries, paramName);
        if (entries.Count == 0)
            throw new ArgumentException("a batch must hold at least one entry", paramName);
        Dictionary<string, int>? keys = null;
        for (var i = 0; i < entries.Count; i++)
        {
            try
            {
                Validate(entries[i], paramName);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"entry {i} of the batch: {ReasonOf(e)}", paramName, e);
            }

            if (entries[i].IdempotencyKey is not { } key)
                continue;
            keys ??= new Dictionary<string, int>(StringComparer.Ordinal);
            if (!keys.TryAdd(key, i) && !entries[keys[key]].Equals(entries[i]))
                throw new ArgumentException(
                    $"entries {keys[key]} and {i} of the batch share the idempotency key '{key}' but differ; each entry needs its own key",
                    paramName);
        }
    }

    /// <summary>Checks an entry received for replication, including its sequence.</summary>
    public static void ValidateStored(SyncLogEntry? entry, string paramName)
    {
        ValidateStoredExceptData(entry, paramName);
        RequireJson(entry!.Data, paramName);
    }

    /// <summary>
    /// <see cref="ValidateStored"/> but for the JSON parse of <c>Data</c>, which the caller then runs on the UTF-8 it
    /// encoded anyway (<see cref="RequireJsonUtf8"/>); an empty or white-space <c>Data</c> is refused here.
    /// </summary>
    internal static void ValidateStoredExceptData(SyncLogEntry? entry, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entry, paramName);
        if (entry.Sequence < 1 || entry.Sequence > MaxSequence)
            throw new ArgumentException(
                $"sequence must be at least 1 and at most {MaxSequence} (2^53-1), got {entry.Sequence}", paramName);
        RequireFields(entry.DeviceId, entry.ModelType, entry.RecordId, entry.ChangeType, entry.Version, paramName);
        if (string.IsNullOrWhiteSpace(entry.Data))
            throw new ArgumentException("data must be a JSON document, got an empty string", paramName);
    }

    /// <summary>Checks that UTF-8 <paramref name="data"/> is one well-formed JSON document (the parse of <see cref="Validate"/>).</summary>
    internal static void RequireJsonUtf8(ReadOnlySpan<byte> data, string paramName)
    {
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 256 });
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"data must be valid JSON: {e.Message}", paramName, e);
        }
    }

    // A separate check after each entry's own, so a run of entries reports the first bad one whatever is wrong with it.
    internal static void RequireContiguous(IReadOnlyList<SyncLogEntry> entries, int i, string paramName)
    {
        if (i > 0 && entries[i].Sequence != entries[i - 1].Sequence + 1)
            throw new ArgumentException(
                $"replicated entries must have contiguous ascending sequences; entry {i} has {entries[i].Sequence} after {entries[i - 1].Sequence}",
                paramName);
    }

    private static void RequireFields(string deviceId, string modelType, string recordId, ChangeType changeType,
        long version, string paramName)
    {
        RequireId(deviceId, paramName, "device id");
        RequireId(modelType, paramName, "model type");
        RequireId(recordId, paramName, "record id");
        if (!Enum.IsDefined(changeType))
            throw new ArgumentException(
                $"change type must be Insert, Update, Delete or BulkInsert, got {(int)changeType}", paramName);
        if (version < 1 || version > MaxSequence)
            throw new ArgumentException($"version must be at least 1 and at most {MaxSequence} (2^53-1), got {version}", paramName);
    }

    /// <summary>Checks a non-empty run of a leader's entries with contiguous ascending sequences.</summary>
    public static void ValidateReplicated(IReadOnlyList<SyncLogEntry>? entries, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entries, paramName);
        if (entries.Count == 0)
            throw new ArgumentException("replication needs at least one entry", paramName);
        for (var i = 0; i < entries.Count; i++)
        {
            ValidateStored(entries[i], paramName);
            RequireContiguous(entries, i, paramName);
        }
    }

    /// <summary>Checks that an id is not empty or white space.</summary>
    public static void RequireId(string? value, string paramName, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"{what} must not be empty", paramName);
    }

    /// <summary>Checks a sequence to read after or resync from: 0 to <see cref="MaxSequence"/>.</summary>
    public static void RequireSequence(long sequence, string paramName)
    {
        if (sequence < 0 || sequence > MaxSequence)
            throw new ArgumentOutOfRangeException(paramName, sequence,
                $"sequence must be 0 or more and at most {MaxSequence} (2^53-1), got {sequence}");
    }

    /// <summary>Checks that a page size is between 1 and <see cref="SyncLogDb.MaxFetchLimit"/>.</summary>
    public static void RequireLimit(int limit, string paramName)
    {
        if (limit < 1 || limit > SyncLogDb.MaxFetchLimit)
            throw new ArgumentOutOfRangeException(paramName, limit,
                $"limit must be between 1 and {SyncLogDb.MaxFetchLimit}, got {limit}");
    }

    // A forward-only read of the UTF-8 bytes: checks the document is well-formed without building a DOM.
    private static void RequireJson(string? data, string paramName)
    {
        if (string.IsNullOrWhiteSpace(data))
            throw new ArgumentException("data must be a JSON document, got an empty string", paramName);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(data.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(data, buffer);
            RequireJsonUtf8(buffer.AsSpan(0, length), paramName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The reason an input check gave, as one line: without the <c>(Parameter 'x')</c> and <c>Actual value was</c>
    /// parts .NET appends, for replies and command-line errors.
    /// </summary>
    public static string ReasonOf(ArgumentException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = e.Message;
        var cut = e.ParamName is null ? -1 : message.IndexOf($" (Parameter '{e.ParamName}')", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf('\n', StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).Trim();
    }
}
