namespace SyncLog.Storage;

/// <summary>Converts <see cref="ChangeType"/> to and from the text stored in the <c>change_type</c> column.</summary>
public static class ChangeTypeText
{
    /// <summary>The stored text of <paramref name="changeType"/>, e.g. <c>bulk_insert</c>.</summary>
    public static string ToText(ChangeType changeType) => changeType switch
    {
        ChangeType.Insert => "insert",
        ChangeType.Update => "update",
        ChangeType.Delete => "delete",
        ChangeType.BulkInsert => "bulk_insert",
        _ => throw new ArgumentOutOfRangeException(nameof(changeType), changeType,
            "change type must be Insert, Update, Delete or BulkInsert"),
    };

    /// <summary>Parses stored text back into a <see cref="ChangeType"/>; false for anything else.</summary>
    public static bool TryParse(string? text, out ChangeType changeType)
    {
        switch (text)
        {
            case "insert": changeType = ChangeType.Insert; return true;
            case "update": changeType = ChangeType.Update; return true;
            case "delete": changeType = ChangeType.Delete; return true;
            case "bulk_insert": changeType = ChangeType.BulkInsert; return true;
            default: changeType = default; return false;
        }
    }

    /// <summary>Parses stored text, failing with a message that lists what is allowed.</summary>
    public static ChangeType Parse(string? text) => TryParse(text, out var changeType)
        ? changeType
        : throw new FormatException(
            $"change type must be one of insert, update, delete, bulk_insert, got '{text}'");
}
