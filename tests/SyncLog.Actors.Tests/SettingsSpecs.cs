using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class SettingsSpecs
{
    [Fact]
    public void The_shipped_hocon_holds_the_documented_defaults()
    {
        var settings = SyncLogSettings.FromConfig(SyncLogConfig.Defaults.WithFallback(ConfigurationFactory.ParseString("synclog.data-dir-env = \"\"")));

        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".spacedrive"), settings.DataDir);
        Assert.Equal(TimeSpan.FromDays(30), settings.Retention);
        Assert.Equal(TimeSpan.FromHours(1), settings.VacuumInterval);
        Assert.Equal(1000, settings.MaxBatchSize);
        Assert.Equal(10_000, settings.MaxBatchSizeHard);
        Assert.Equal(TimeSpan.FromMilliseconds(50), settings.MaxBatchLatency);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.MaxBatchLatencyHard);
        Assert.Equal(50_000, settings.MaxPendingAppends);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.PassivateAfter);
        Assert.Equal(TimeSpan.FromDays(90), settings.MaxRetention);
        Assert.Equal(256, settings.MaxOpenLibraries);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.MaxOpenLibrariesWait);
        Assert.Equal(SynchronousMode.Full, settings.Storage.Synchronous);
        Assert.Equal(16 * 1024, settings.Storage.CacheSizeKiB);
        Assert.Equal(4, settings.StorageIoThreads);
        Assert.Equal(Environment.MachineName.ToLowerInvariant(), settings.DeviceId);
        Assert.Equal(Path.Combine(settings.DataDir, "sync-host.db"), settings.HostDbPath);
    }

    [Fact]
    public void Overrides_win_and_the_host_db_connection_strings_follow_the_data_dir()
    {
        var config = SyncLogConfig.Build(ConfigurationFactory.ParseString("""
            synclog { data-dir = "/tmp/synclog-x", data-dir-env = "", device-id = laptop, storage.synchronous = normal }
            """));

        var settings = SyncLogSettings.FromConfig(config);

        Assert.Equal("/tmp/synclog-x", settings.DataDir);
        Assert.Equal("laptop", settings.DeviceId);
        Assert.Equal(SynchronousMode.Normal, settings.Storage.Synchronous);
        Assert.Equal("Data Source=/tmp/synclog-x/sync-host.db", config.GetString("synclog.persistence.journal.connection-string"));
        Assert.Equal("Data Source=/tmp/synclog-x/sync-host.db", config.GetString("synclog.persistence.snapshot-store.connection-string"));
    }

    [Fact]
    public void The_environment_variable_named_by_data_dir_env_overrides_the_data_dir()
    {
        var variable = "SYNCLOG_TEST_DIR_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "/tmp/from-env");
        try
        {
            var settings = SyncLogSettings.FromConfig(ConfigurationFactory
                .ParseString($"synclog.data-dir-env = {variable}").WithFallback(SyncLogConfig.Defaults));

            Assert.Equal("/tmp/from-env", settings.DataDir);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("synclog.max-batch-size = 0", "max-batch-size must be between 1 and 100000, got 0")]
    [InlineData("synclog.max-batch-size-hard = 999", "max-batch-size-hard must be between max-batch-size (1000) and 100000, got 999")]
    [InlineData("synclog.max-batch-latency-hard = 10ms", "max-batch-latency-hard must be positive and at least max-batch-latency (50ms), got 10ms")]
    [InlineData("synclog.max-open-libraries = -1", "max-open-libraries must be 0 (no limit) or at least 1, got -1")]
    [InlineData("synclog.max-open-libraries-wait = 0s", "max-open-libraries-wait must be positive")]
    [InlineData("synclog.retention = 0s", "retention must be positive")]
    [InlineData("synclog.max-retention = 29d", "max-retention must be at least synclog.retention (30d), got 29d")]
    [InlineData("synclog.storage.synchronous = sometimes", "synchronous must be 'full' or 'normal', got 'sometimes'")]
    [InlineData("synclog.max-pending-appends = 0", "max-pending-appends must be at least 1")]
    [InlineData("synclog.storage.cache-size = 1KiB", "cache size must be at least 64 KiB")]
    [InlineData("synclog.storage.busy-timeout = 0s", "busy timeout must be more than 0")]
    [InlineData("synclog.storage.incremental-vacuum-pages = 0", "incremental vacuum pages must be at least 1")]
    [InlineData("synclog.storage.idempotency-window = -1", "idempotency window must be 0 (off) or more")]
    [InlineData("synclog.storage.max-file-size = 1KiB", "max file size must be 0 (unlimited) or at least 65536 bytes")]
    [InlineData("synclog.follower.page-size = 0", "synclog.follower.page-size must be between 1 and 10000, got 0")]
    [InlineData("synclog.follower.prefetch-pages = 17", "synclog.follower.prefetch-pages must be between 1 and 16, got 17")]
    [InlineData("synclog.follower.max-replicate-rows = 0", "synclog.follower.max-replicate-rows must be between 1 and 100000, got 0")]
    [InlineData("synclog.follower.ask-timeout = 0s", "synclog.follower.ask-timeout must be positive")]
    [InlineData("synclog.follower.backoff-max = 100ms", "synclog.follower.backoff-max must be at least backoff-min")]
    [InlineData("synclog.follower.backoff-random-factor = 2", "synclog.follower.backoff-random-factor must be between 0 and 1, got 2")]
    [InlineData("synclog.follower.backoff-min = 0s", "synclog.follower.backoff-min must be positive")]
    public void A_setting_out_of_range_is_reported_by_name(string hocon, string expected)
    {
        var config = ConfigurationFactory.ParseString(hocon).WithFallback(SyncLogConfig.Defaults);

        var error = Assert.Throws<ConfigurationException>(() => SyncLogSettings.FromConfig(config));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_storage_limits_are_read_with_their_defaults_and_overrides()
    {
        var defaults = SyncLogSettings.FromConfig(SyncLogConfig.Defaults).Storage;
        var overridden = SyncLogSettings.FromConfig(ConfigurationFactory.ParseString("""
            synclog.storage { idempotency-window = 0, incremental-vacuum-pages = 10, max-file-size = 10MiB }
            """).WithFallback(SyncLogConfig.Defaults)).Storage;

        Assert.Equal((100_000, 2048, 0L), (defaults.IdempotencyWindow, defaults.IncrementalVacuumPages, defaults.MaxFileSizeBytes));
        Assert.Equal((0, 10, 10L * 1024 * 1024), (overridden.IdempotencyWindow, overridden.IncrementalVacuumPages, overridden.MaxFileSizeBytes));
    }

    [Fact]
    public void A_negative_learn_followers_interval_given_in_code_is_refused_by_name()
    {
        // HOCON has no negative durations; FollowerSettings built in code can.
        var settings = new FollowerSettings { LearnFollowersInterval = TimeSpan.FromSeconds(-1) };

        var error = Assert.Throws<ConfigurationException>(settings.Validate);

        Assert.Contains("synclog.follower.learn-followers-interval must be 0 (only on connect) or positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_follower_settings_are_read_with_their_defaults_and_overrides()
    {
        var defaults = SyncLogSettings.FromConfig(SyncLogConfig.Defaults).Follower;
        var overridden = SyncLogSettings.FromConfig(ConfigurationFactory.ParseString("""
            synclog.follower { page-size = 250, prefetch-pages = 4, max-replicate-rows = 3000, backoff-max = 5s, heartbeat-interval = 0s, learn-followers-interval = 0s }
            """).WithFallback(SyncLogConfig.Defaults)).Follower;

        // The code's defaults (used by FollowerSettings built in code) are the shipped HOCON's.
        Assert.Equal(new FollowerSettings(), defaults);
        Assert.Equal((1000, 8, 8000L, 10_000), (defaults.PageSize, defaults.PrefetchPages, defaults.Window, defaults.MaxReplicateRows));
        Assert.Equal(3000, overridden.MaxReplicateRows);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), 0.2, TimeSpan.FromSeconds(5)),
            (defaults.AskTimeout, defaults.BackoffMin, defaults.BackoffMax, defaults.BackoffRandomFactor, defaults.HeartbeatInterval));
        Assert.Equal((250, 1000L, TimeSpan.FromSeconds(5), TimeSpan.Zero),
            (overridden.PageSize, overridden.Window, overridden.BackoffMax, overridden.HeartbeatInterval));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.Zero), (defaults.LearnFollowersInterval, overridden.LearnFollowersInterval));
    }

    [Fact]
    public void The_follower_backoff_doubles_from_backoff_min_adds_its_jitter_and_never_exceeds_backoff_max()
    {
        var exact = new FollowerSettings { BackoffMin = TimeSpan.FromMilliseconds(100), BackoffMax = TimeSpan.FromSeconds(1), BackoffRandomFactor = 0 };
        var jittered = exact with { BackoffRandomFactor = 0.5 };
        int[] attempts = [0, 1, 2, 3, 4, 5, 1000];

        Assert.Equal([100.0, 100, 200, 400, 800, 1000, 1000], [.. attempts.Select(a => exact.Backoff(a).TotalMilliseconds)]);
        for (var attempt = 1; attempt <= 40; attempt++)
        {
            var floor = exact.Backoff(attempt);
            var delay = jittered.Backoff(attempt);
            Assert.InRange(delay, floor, TimeSpan.FromTicks(Math.Min(jittered.BackoffMax.Ticks, (long)(floor.Ticks * 1.5))));
        }
    }
}
