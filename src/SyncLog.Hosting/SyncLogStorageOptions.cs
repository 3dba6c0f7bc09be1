using SyncLog.Storage;

namespace SyncLog.Hosting;

/// <summary>The <c>synclog.storage</c> settings of each library's <c>sync.db</c>; null keeps the HOCON default.</summary>
public sealed class SyncLogStorageOptions
{
    /// <summary><c>synclog.storage.synchronous</c>: <see cref="SynchronousMode.Full"/> survives power loss.</summary>
    public SynchronousMode? Synchronous { get; set; }

    /// <summary><c>synclog.storage.busy-timeout</c>: wait for a SQLite lock held by someone else.</summary>
    public TimeSpan? BusyTimeout { get; set; }

    /// <summary><c>synclog.storage.cache-size</c> in bytes: page cache per connection.</summary>
    public long? CacheSizeBytes { get; set; }

    /// <summary><c>synclog.storage.vacuum-chunk-size</c>: rows deleted per vacuum transaction.</summary>
    public int? VacuumChunkSize { get; set; }

    /// <summary><c>synclog.storage.io-threads</c>: dedicated threads for opening and writing library files.</summary>
    public int? IoThreads { get; set; }
}
