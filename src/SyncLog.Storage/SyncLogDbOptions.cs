namespace SyncLog.Storage;

/// <summary>
/// Connection settings for one library's <c>sync.db</c>. The defaults favour durability:
/// WAL journaling with <see cref="SynchronousMode.Full"/>, so an acknowledged append survives power loss.
/// </summary>
public sealed record SyncLogDbOptions
{
    /// <summary>How long entries are kept by default before vacuum may remove them.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);

    /// <summary>The options used when none are given.</summary>
    public static SyncLogDbOptions Default { get; } = new();

    /// <summary>Durability of each commit; <see cref="SynchronousMode.Full"/> unless you accept losing acknowledged entries on power loss.</summary>
    public SynchronousMode Synchronous { get; init; } = SynchronousMode.Full;

    /// <summary>How long a statement waits for a SQLite lock (e.g. held by a backup tool) before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Page cache per connection, in KiB; larger caches keep the record index hot as the log grows.</summary>
    public int CacheSizeKiB { get; init; } = 16 * 1024;

    /// <summary>Rows deleted per transaction by vacuum, so a large vacuum never holds the write lock for long.</summary>
    public int VacuumChunkSize { get; init; } = 10_000;

    /// <summary>
    /// Open an existing log for reading only, without its lock: for inspecting a log another process owns.
    /// Writes throw; nothing is created or migrated.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a setting is outside its allowed range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Synchronous))
            throw new ArgumentOutOfRangeException(nameof(Synchronous), Synchronous, "synchronous must be Full or Normal");
        if (BusyTimeout < TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, "busy timeout must be between 0 and 10 minutes");
        if (CacheSizeKiB < 64)
            throw new ArgumentOutOfRangeException(nameof(CacheSizeKiB), CacheSizeKiB, "cache size must be at least 64 KiB");
        if (VacuumChunkSize < 1)
            throw new ArgumentOutOfRangeException(nameof(VacuumChunkSize), VacuumChunkSize, "vacuum chunk size must be at least 1");
    }
}
