using System.Globalization;
using System.Text;
using Akka.Configuration;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Hosting;

/// <summary>
/// The <c>synclog</c> settings of <c>hocon/synclog.hocon</c> as an options object for
/// <see cref="SyncLogHostingExtensions.WithSyncLog"/>. Every null option keeps its HOCON default (or what your own
/// HOCON says); set ones render to HOCON and go through the same <see cref="SyncLogSettings.FromConfig"/> validation.
/// </summary>
public sealed class SyncLogOptions
{
    /// <summary><c>synclog.data-dir</c>: root of every library's <c>sync.db</c> and the host's <c>sync-host.db</c>.</summary>
    public string? DataDir { get; set; }

    /// <summary><c>synclog.data-dir-env</c>: environment variable that overrides the data dir when set; "" disables it.</summary>
    public string? DataDirEnvironmentVariable { get; set; }

    /// <summary><c>synclog.read-only</c>: only read logs another process owns (no lock; writes refused).</summary>
    public bool? ReadOnly { get; set; }

    /// <summary><c>synclog.device-id</c>: this host's device id; appends succeed only where it leads.</summary>
    public string? DeviceId { get; set; }

    /// <summary><c>synclog.retention</c>: entries older than this are vacuumed.</summary>
    public TimeSpan? Retention { get; set; }

    /// <summary><c>synclog.max-retention</c>: entries older than this are vacuumed even if a follower has not acked them.</summary>
    public TimeSpan? MaxRetention { get; set; }

    /// <summary><c>synclog.vacuum-interval</c>: automatic vacuum period of an open library; zero turns it off.</summary>
    public TimeSpan? VacuumInterval { get; set; }

    /// <summary><c>synclog.max-batch-size</c>: most entries in one group-commit transaction.</summary>
    public int? MaxBatchSize { get; set; }

    /// <summary><c>synclog.max-pending-appends</c>: queued entries beyond which an append is refused as overloaded.</summary>
    public int? MaxPendingAppends { get; set; }

    /// <summary><c>synclog.passivate-after</c>: idle time after which a library closes its file.</summary>
    public TimeSpan? PassivateAfter { get; set; }

    /// <summary><c>synclog.storage.*</c>: connection settings of each library's file.</summary>
    public SyncLogStorageOptions Storage { get; } = new();

    /// <summary><c>synclog.follower.*</c>: how each library follower pages, reconnects and acknowledges.</summary>
    public SyncLogFollowerOptions Follower { get; } = new();

    /// <summary><c>synclog.persistence.host-db-file</c>: file name, under the data dir, of the leadership database.</summary>
    public string? HostDbFile { get; set; }

    /// <summary><c>synclog.persistence.snapshot-every</c>: leadership events between snapshots.</summary>
    public int? SnapshotEvery { get; set; }

    /// <summary>Name of the supervisor actor (<c>/user/{name}</c>); <see cref="SyncLogHost.DefaultSupervisorName"/> if null.</summary>
    public string? SupervisorName { get; set; }

    /// <summary>The set options as HOCON under <c>synclog</c>; empty when none is set.</summary>
    /// <exception cref="ConfigurationException">A duration is negative, which HOCON cannot express.</exception>
    public string ToHocon()
    {
        var hocon = new StringBuilder();
        Add(hocon, "data-dir", DataDir is null ? null : SyncLogConfig.Quote(DataDir));
        Add(hocon, "data-dir-env", DataDirEnvironmentVariable is null ? null : SyncLogConfig.Quote(DataDirEnvironmentVariable));
        Add(hocon, "read-only", ReadOnly is null ? null : ReadOnly.Value ? "on" : "off");
        Add(hocon, "device-id", DeviceId is null ? null : SyncLogConfig.Quote(DeviceId));
        Add(hocon, "retention", Duration("retention", Retention));
        Add(hocon, "max-retention", Duration("max-retention", MaxRetention));
        Add(hocon, "vacuum-interval", Duration("vacuum-interval", VacuumInterval));
        Add(hocon, "max-batch-size", Number(MaxBatchSize));
        Add(hocon, "max-pending-appends", Number(MaxPendingAppends));
        Add(hocon, "passivate-after", Duration("passivate-after", PassivateAfter));
        Add(hocon, "storage.synchronous", Storage.Synchronous switch
        {
            null => null,
            SynchronousMode.Full => "full",
            SynchronousMode.Normal => "normal",
            var other => throw new ArgumentOutOfRangeException(nameof(Storage), other, "storage synchronous mode must be Full or Normal"),
        });
        Add(hocon, "storage.busy-timeout", Duration("storage.busy-timeout", Storage.BusyTimeout));
        Add(hocon, "storage.cache-size", Storage.CacheSizeBytes is { } bytes ? $"{bytes.ToString(CultureInfo.InvariantCulture)}b" : null);
        Add(hocon, "storage.vacuum-chunk-size", Number(Storage.VacuumChunkSize));
        Add(hocon, "storage.io-threads", Number(Storage.IoThreads));
        Add(hocon, "follower.page-size", Number(Follower.PageSize));
        Add(hocon, "follower.prefetch-pages", Number(Follower.PrefetchPages));
        Add(hocon, "follower.max-replicate-rows", Number(Follower.MaxReplicateRows));
        Add(hocon, "follower.ask-timeout", Duration("follower.ask-timeout", Follower.AskTimeout));
        Add(hocon, "follower.backoff-min", Duration("follower.backoff-min", Follower.BackoffMin));
        Add(hocon, "follower.backoff-max", Duration("follower.backoff-max", Follower.BackoffMax));
        Add(hocon, "follower.backoff-random-factor", Fraction("follower.backoff-random-factor", Follower.BackoffRandomFactor));
        Add(hocon, "follower.heartbeat-interval", Duration("follower.heartbeat-interval", Follower.HeartbeatInterval));
        Add(hocon, "follower.ack-interval", Duration("follower.ack-interval", Follower.AckInterval));
        Add(hocon, "persistence.host-db-file", HostDbFile is null ? null : SyncLogConfig.Quote(HostDbFile));
        Add(hocon, "persistence.snapshot-every", Number(SnapshotEvery));
        return hocon.ToString();
    }

    private static void Add(StringBuilder hocon, string key, string? value)
    {
        if (value is not null)
            hocon.Append("synclog.").Append(key).Append(" = ").Append(value).Append('\n');
    }

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    // HOCON has no NaN or infinity; a finite value is range-checked by the settings, which name the key.
    private static string? Fraction(string key, double? value) => value switch
    {
        null => null,
        { } number when !double.IsFinite(number) => throw new ConfigurationException($"synclog.{key} must be a finite number, got {number}"),
        { } number => number.ToString("R", CultureInfo.InvariantCulture),
    };

    // Whole milliseconds; HOCON has no negative durations, so those are refused here with the key they were meant for.
    private static string? Duration(string key, TimeSpan? value) => value switch
    {
        null => null,
        { } span when span < TimeSpan.Zero => throw new ConfigurationException($"synclog.{key} must not be negative, got {span}"),
        { } span => $"{((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms",
    };
}
