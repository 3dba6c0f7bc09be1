namespace SyncLog.Storage;

/// <summary>SQLite's <c>PRAGMA synchronous</c> levels that are safe with WAL journaling.</summary>
public enum SynchronousMode
{
    /// <summary>Every commit waits for an fsync of the WAL: an acknowledged append survives power loss.</summary>
    Full,

    /// <summary>Commits survive a process crash but the last ones may be lost on power loss; about 4x faster.</summary>
    Normal,
}
