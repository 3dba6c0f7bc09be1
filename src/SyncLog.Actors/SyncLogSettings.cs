using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// Every <c>synclog</c> setting, read once from HOCON (see <c>hocon/synclog.hocon</c> for each key, default and meaning).
/// </summary>
public sealed record SyncLogSettings
{
    /// <summary>Root of all files: <c>{DataDir}/libraries/{id}/sync.db</c> and the host's leadership database.</summary>
    public required string DataDir { get; init; }

    /// <summary>This host's device id; appends succeed only for libraries it leads.</summary>
    public required string DeviceId { get; init; }

    /// <summary>How long entries are kept before automatic vacuum removes them.</summary>
    public required TimeSpan Retention { get; init; }

    /// <summary>
    /// How long a follower may stay silent: one whose last ack is older than this is lost and no longer holds back
    /// vacuum, so a lost device cannot grow the log forever. At least <see cref="Retention"/>.
    /// </summary>
    public TimeSpan MaxRetention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Period of automatic vacuum of an open library; <see cref="TimeSpan.Zero"/> disables it.</summary>
    public required TimeSpan VacuumInterval { get; init; }

    /// <summary>Most entries one group-commit transaction holds until a backlog lets it grow (the soft cap).</summary>
    public required int MaxBatchSize { get; init; }

    /// <summary>Most entries one group-commit transaction ever holds, however deep the backlog (the hard cap).</summary>
    public required int MaxBatchSizeHard { get; init; }

    /// <summary>
    /// How long a transaction keeps taking appends that arrive while it is written (late joiners).
    /// <see cref="TimeSpan.Zero"/> turns adaptation off: every transaction stays at <see cref="MaxBatchSize"/>.
    /// </summary>
    public required TimeSpan MaxBatchLatency { get; init; }

    /// <summary>
    /// The latency ceiling of one transaction: one that took longer shrinks the cap to what this would have held, so
    /// a deep backlog never makes a newly arrived append wait much longer than this for its transaction to start.
    /// </summary>
    public required TimeSpan MaxBatchLatencyHard { get; init; }

    /// <summary>Appends waiting for a transaction beyond which new appends get <see cref="Overloaded"/>.</summary>
    public required int MaxPendingAppends { get; init; }

    /// <summary>Idle time after which a library actor closes its file and stops.</summary>
    public required TimeSpan PassivateAfter { get; init; }

    /// <summary>
    /// Most entries read into memory at once for one subscription (one <see cref="SubscriptionEntries"/> page at most);
    /// a subscriber never holds more of the writer's memory than this, however far behind it is.
    /// </summary>
    public int SubscriptionBuffer { get; init; } = 1000;

    /// <summary>Most libraries open at once (an actor, its file and connections); beyond it the least recently used passivates. 0 = no limit.</summary>
    public required int MaxOpenLibraries { get; init; }

    /// <summary>How long a library waits for a slot under <see cref="MaxOpenLibraries"/> before its requests are refused.</summary>
    public required TimeSpan MaxOpenLibrariesWait { get; init; }

    /// <summary>Threads dedicated to opening and writing library files, shared by all libraries of a host.</summary>
    public required int StorageIoThreads { get; init; }

    /// <summary>
    /// A host that only reads logs another process owns: no data-dir lock, files opened read-only, writes and
    /// leadership refused, latest sequence read from the file.
    /// </summary>
    public required bool ReadOnly { get; init; }

    /// <summary>
    /// Refuse every write and admin request with <see cref="RequestNotServed"/>, whoever sends it (a served host without
    /// writes: remote peers that reach past the gateway still write nothing).
    /// </summary>
    public bool RefuseWrites { get; init; }

    /// <summary>Whether the gateway (<see cref="SyncLogGateway"/>) forwards writes and admin requests from remote peers.</summary>
    public bool ServeAllowWrites { get; init; }

    /// <summary>Connection settings for each library's <c>sync.db</c>.</summary>
    public required SyncLogDbOptions Storage { get; init; }

    /// <summary>Settings of every <see cref="LibraryFollower"/> this host starts (<c>synclog.follower</c>).</summary>
    public FollowerSettings Follower { get; init; } = new();

    /// <summary>Config path of the Akka.Persistence.Sql journal that stores leadership.</summary>
    public required string JournalPluginId { get; init; }

    /// <summary>Config path of the Akka.Persistence.Sql snapshot store that stores leadership snapshots.</summary>
    public required string SnapshotPluginId { get; init; }

    /// <summary>Leadership events between snapshots.</summary>
    public required int SnapshotEvery { get; init; }

    /// <summary>The host-level SQLite file holding persisted leadership.</summary>
    public string HostDbPath { get; init; } = "";

    /// <summary>Reads the <c>synclog</c> section of <paramref name="config"/>, which must include the embedded defaults.</summary>
    /// <exception cref="ConfigurationException">A setting is missing or out of range.</exception>
    public static SyncLogSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.GetConfig("synclog")
                      ?? throw new ConfigurationException("the 'synclog' config section is missing; build the config with SyncLogConfig.Build");

        var dataDir = ResolveDataDir(section.GetString("data-dir"), section.GetString("data-dir-env"));
        var deviceId = section.GetString("device-id");
        var readOnly = section.GetBoolean("read-only");
        var settings = new SyncLogSettings
        {
            DataDir = dataDir,
            DeviceId = string.IsNullOrWhiteSpace(deviceId) ? Environment.MachineName.ToLowerInvariant() : deviceId.Trim(),
            Retention = section.GetTimeSpan("retention"),
            MaxRetention = section.GetTimeSpan("max-retention"),
            VacuumInterval = section.GetTimeSpan("vacuum-interval"),
            MaxBatchSize = WholeNumber(section, "max-batch-size"),
            MaxBatchSizeHard = WholeNumber(section, "max-batch-size-hard"),
            MaxBatchLatency = section.GetTimeSpan("max-batch-latency"),
            MaxBatchLatencyHard = section.GetTimeSpan("max-batch-latency-hard"),
            MaxPendingAppends = WholeNumber(section, "max-pending-appends"),
            PassivateAfter = section.GetTimeSpan("passivate-after"),
            SubscriptionBuffer = WholeNumber(section, "subscription-buffer"),
            MaxOpenLibraries = WholeNumber(section, "max-open-libraries"),
            MaxOpenLibrariesWait = section.GetTimeSpan("max-open-libraries-wait"),
            StorageIoThreads = WholeNumber(section, "storage.io-threads"),
            ReadOnly = readOnly,
            RefuseWrites = section.GetBoolean("refuse-writes"),
            ServeAllowWrites = section.GetBoolean("serve.allow-writes"),
            Storage = new SyncLogDbOptions
            {
                Synchronous = ParseSynchronous(section.GetString("storage.synchronous")),
                BusyTimeout = section.GetTimeSpan("storage.busy-timeout"),
                CacheSizeKiB = (int)((section.GetByteSize("storage.cache-size") ?? 0) / 1024),
                VacuumChunkSize = WholeNumber(section, "storage.vacuum-chunk-size"),
                IncrementalVacuumPages = WholeNumber(section, "storage.incremental-vacuum-pages"),
                IdempotencyWindow = WholeNumber(section, "storage.idempotency-window"),
                MaxFileSizeBytes = section.GetByteSize("storage.max-file-size") ?? 0,
                ReadOnly = readOnly,
            },
            // A read-only host recovers no leadership (it would need the owner's host database); in-memory plugins
            // keep the persistent actor's lifecycle without touching sync-host.db.
            JournalPluginId = readOnly ? "akka.persistence.journal.inmem" : "synclog.persistence.journal",
            SnapshotPluginId = readOnly ? "akka.persistence.snapshot-store.inmem" : "synclog.persistence.snapshot-store",
            SnapshotEvery = WholeNumber(section, "persistence.snapshot-every"),
            Follower = FollowerSettings.FromConfig(section),
            HostDbPath = Path.Combine(dataDir, section.GetString("persistence.host-db-file")),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>
    /// Reads a whole-number setting of <paramref name="section"/> (the <c>synclog</c> section); a number too large for it
    /// is refused naming the key, where Akka's getter would only say that some value overflowed an Int32.
    /// </summary>
    internal static int WholeNumber(Config section, string key)
    {
        try
        {
            return section.GetInt(key);
        }
        catch (OverflowException)
        {
            throw new ConfigurationException(
                $"synclog.{key} is too large a number (of either sign) for this setting, got {section.GetString(key)}");
        }
    }

    /// <summary>A duration as it is written in HOCON (30d, 12h, 500ms, 0), so an error or a refusal quotes what the user can type.</summary>
    internal static string Hocon(TimeSpan value) =>
        value == TimeSpan.Zero ? "0"
        : value.Ticks % TimeSpan.TicksPerDay == 0 ? $"{value.Ticks / TimeSpan.TicksPerDay}d"
        : value.Ticks % TimeSpan.TicksPerHour == 0 ? $"{value.Ticks / TimeSpan.TicksPerHour}h"
        : value.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{value.Ticks / TimeSpan.TicksPerMinute}m"
        : value.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{value.Ticks / TimeSpan.TicksPerSecond}s"
        : value.Ticks % TimeSpan.TicksPerMillisecond == 0 ? $"{value.Ticks / TimeSpan.TicksPerMillisecond}ms"
        : $"{value.Ticks * 100}ns";

    private void Validate()
    {
        Require(Retention > TimeSpan.Zero, $"synclog.retention must be positive, got {Hocon(Retention)}");
        Require(MaxRetention >= Retention,
            $"synclog.max-retention must be at least synclog.retention ({Hocon(Retention)}), got {Hocon(MaxRetention)}");
        Require(VacuumInterval >= TimeSpan.Zero, $"synclog.vacuum-interval must be 0 (off) or positive, got {Hocon(VacuumInterval)}");
        Require(MaxBatchSize is >= 1 and <= 100_000, $"synclog.max-batch-size must be between 1 and 100000, got {MaxBatchSize}");
        Require(MaxBatchSizeHard >= MaxBatchSize && MaxBatchSizeHard <= 100_000,
            $"synclog.max-batch-size-hard must be between max-batch-size ({MaxBatchSize}) and 100000, got {MaxBatchSizeHard}");
        Require(MaxBatchLatency >= TimeSpan.Zero, $"synclog.max-batch-latency must be 0 (fixed batches) or positive, got {Hocon(MaxBatchLatency)}");
        Require(MaxBatchLatencyHard > TimeSpan.Zero && MaxBatchLatencyHard >= MaxBatchLatency,
            $"synclog.max-batch-latency-hard must be positive and at least max-batch-latency ({Hocon(MaxBatchLatency)}), got {Hocon(MaxBatchLatencyHard)}");
        Require(MaxPendingAppends >= 1, $"synclog.max-pending-appends must be at least 1, got {MaxPendingAppends}");
        Require(PassivateAfter > TimeSpan.Zero, $"synclog.passivate-after must be positive, got {Hocon(PassivateAfter)}");
        Require(SubscriptionBuffer is >= 1 and <= SyncLogDb.MaxFetchLimit,
            $"synclog.subscription-buffer must be between 1 and {SyncLogDb.MaxFetchLimit}, got {SubscriptionBuffer}");
        Require(MaxOpenLibraries >= 0, $"synclog.max-open-libraries must be 0 (no limit) or at least 1, got {MaxOpenLibraries}");
        Require(MaxOpenLibrariesWait > TimeSpan.Zero, $"synclog.max-open-libraries-wait must be positive, got {Hocon(MaxOpenLibrariesWait)}");
        Require(StorageIoThreads is >= 1 and <= 64, $"synclog.storage.io-threads must be between 1 and 64, got {StorageIoThreads}");
        Require(SnapshotEvery >= 1, $"synclog.persistence.snapshot-every must be at least 1, got {SnapshotEvery}");
        try
        {
            Storage.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"synclog.storage: {e.Message}");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
            throw new ConfigurationException(message);
    }

    private static string ResolveDataDir(string configured, string environmentVariable)
    {
        var fromEnvironment = string.IsNullOrWhiteSpace(environmentVariable)
            ? null
            : Environment.GetEnvironmentVariable(environmentVariable);
        var dir = string.IsNullOrWhiteSpace(fromEnvironment) ? configured : fromEnvironment;
        if (string.IsNullOrWhiteSpace(dir))
            throw new ConfigurationException("synclog.data-dir must not be empty");
        if (dir == "~" || dir.StartsWith("~/", StringComparison.Ordinal))
            dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), dir.TrimStart('~', '/'));
        return Path.GetFullPath(dir);
    }

    private static SynchronousMode ParseSynchronous(string value) => value?.Trim().ToLowerInvariant() switch
    {
        "full" => SynchronousMode.Full,
        "normal" => SynchronousMode.Normal,
        _ => throw new ConfigurationException($"synclog.storage.synchronous must be 'full' or 'normal', got '{value}'"),
    };
}
