namespace SyncLog.Storage;

/// <summary>What a logged change did to its record; stored as lower-case snake text (<c>insert</c>, <c>bulk_insert</c>...).</summary>
public enum ChangeType
{
    /// <summary>A record was created; stored as <c>insert</c>.</summary>
    Insert,

    /// <summary>A record was modified; stored as <c>update</c>.</summary>
    Update,

    /// <summary>A record was removed; stored as <c>delete</c>.</summary>
    Delete,

    /// <summary>Many records were created by one operation; stored as <c>bulk_insert</c>.</summary>
    BulkInsert,
}
