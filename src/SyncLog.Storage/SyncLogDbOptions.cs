namespace SyncLog.Storage;

/// <summary>
/// Connection settings for one library's <c>sync.db</c>. The defaults favour durability:
/// WAL journaling with <see cref="SynchronousMode.Full"/>, so an acknowledged append survives power loss.
/// </summary>
public sealed record SyncLogDbOptions
{
    /// <summary>How long entries are kept by default before vacuum may remove them.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);

    /// <summary>The smallest non-zero <see cref="MaxFileSizeBytes"/>: room for the schema and some entries.</summary>
    public const long MinMaxFileSizeBytes = 64 * 1024;

    /// <summary>The options used when none are given.</summary>
    public static SyncLogDbOptions Default { get; } = new();

    /// <summary>Durability of each commit; <see cref="SynchronousMode.Full"/> unless you accept losing acknowledged entries on power loss.</summary>
    public SynchronousMode Synchronous { get; init; } = SynchronousMode.Full;

    /// <summary>
    /// How long a statement waits for a SQLite lock (e.g. held by a backup tool) before failing: more than 0, at
    /// most 10 minutes. Microsoft.Data.Sqlite retries a busy lock for whole seconds, so the wait is rounded up to
    /// a second; it cannot fail at once, and its 0 means wait forever, which is why 0 is refused.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Page cache per connection, in KiB; larger caches keep the record index hot as the log grows.</summary>
    public int CacheSizeKiB { get; init; } = 16 * 1024;

    /// <summary>Rows deleted per transaction by vacuum, so a large vacuum never holds the write lock for long.</summary>
    public int VacuumChunkSize { get; init; } = 10_000;

    /// <summary>
    /// Pages (4 KiB each) handed back to the file system per <c>PRAGMA incremental_vacuum</c> step after a vacuum,
    /// one step per turn of the writer, so giving space back never holds appends up for long.
    /// </summary>
    public int IncrementalVacuumPages { get; init; } = 2048;

    /// <summary>
    /// How many of the newest idempotency keys are remembered; a retried append whose key is among them gets its
    /// first sequence back and writes nothing. 0 turns keys off (they are ignored and the window is emptied).
    /// </summary>
    public int IdempotencyWindow { get; init; } = 100_000;

    /// <summary>
    /// Largest size <c>sync.db</c> may grow to, in bytes (a per-library quota), or 0 for no limit. An append that
    /// would pass it fails with <see cref="SyncLogFullException"/> and writes nothing. A file already larger is
    /// not shrunk; it just cannot grow.
    /// </summary>
    public long MaxFileSizeBytes { get; init; }

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
        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout,
                "busy timeout must be more than 0 and at most 10 minutes (Microsoft.Data.Sqlite cannot fail at once on a busy lock; it waits whole seconds, and 0 would mean forever)");
        if (CacheSizeKiB < 64)
            throw new ArgumentOutOfRangeException(nameof(CacheSizeKiB), CacheSizeKiB, "cache size must be at least 64 KiB");
        if (VacuumChunkSize < 1)
            throw new ArgumentOutOfRangeException(nameof(VacuumChunkSize), VacuumChunkSize, "vacuum chunk size must be at least 1");
        if (IncrementalVacuumPages < 1)
            throw new ArgumentOutOfRangeException(nameof(IncrementalVacuumPages), IncrementalVacuumPages,
                "incremental vacuum pages must be at least 1");
        if (IdempotencyWindow < 0)
            throw new ArgumentOutOfRangeException(nameof(IdempotencyWindow), IdempotencyWindow,
                "idempotency window must be 0 (off) or more");
        if (MaxFileSizeBytes != 0 && MaxFileSizeBytes < MinMaxFileSizeBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxFileSizeBytes), MaxFileSizeBytes,
                $"max file size must be 0 (unlimited) or at least {MinMaxFileSizeBytes} bytes");
    }
}
