using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Hosting.Tests;

/// <summary>Options render to the HOCON keys they mirror and go through the same validation as the HOCON.</summary>
public sealed class SyncLogOptionsSpecs
{
    private readonly string _dataDir = SyncLogHostedSpec.NewDataDir();

    [Fact]
    public void Unset_options_render_nothing_and_keep_the_hocon_defaults()
    {
        var options = new SyncLogOptions { DataDir = _dataDir, DataDirEnvironmentVariable = "" };

        var settings = SettingsOf(options);
        var defaults = SyncLogSettings.FromConfig(SyncLogConfig.Build(ConfigurationFactory.ParseString(options.ToHocon())));

        Assert.Equal("", new SyncLogOptions().ToHocon());
        Assert.Equal(defaults, settings);
        Assert.Equal((TimeSpan.FromDays(30), 1000, 50_000), (settings.Retention, settings.MaxBatchSize, settings.MaxPendingAppends));
    }

    [Fact]
    public void Every_option_reaches_the_setting_it_mirrors()
    {
        var options = new SyncLogOptions
        {
            DataDir = _dataDir,
            DataDirEnvironmentVariable = "",
            ReadOnly = true,
            DeviceId = "tablet \"9\"",
            Retention = TimeSpan.FromDays(7),
            MaxRetention = TimeSpan.FromDays(21),
            VacuumInterval = TimeSpan.Zero,
            MaxBatchSize = 250,
            MaxPendingAppends = 900,
            PassivateAfter = TimeSpan.FromSeconds(45),
            Storage =
            {
                Synchronous = SynchronousMode.Normal,
                BusyTimeout = TimeSpan.FromMilliseconds(1500),
                CacheSizeBytes = 8 * 1024 * 1024,
                VacuumChunkSize = 500,
                IoThreads = 2,
            },
            HostDbFile = "leadership.db",
            SnapshotEvery = 20,
        };

        var settings = SettingsOf(options);

        Assert.Equal(_dataDir, settings.DataDir);
        Assert.True(settings.ReadOnly);
        Assert.Equal("tablet \"9\"", settings.DeviceId);
        Assert.Equal((TimeSpan.FromDays(7), TimeSpan.FromDays(21), TimeSpan.Zero, TimeSpan.FromSeconds(45)),
            (settings.Retention, settings.MaxRetention, settings.VacuumInterval, settings.PassivateAfter));
        Assert.Equal((250, 900, 2, 20), (settings.MaxBatchSize, settings.MaxPendingAppends, settings.StorageIoThreads, settings.SnapshotEvery));
        Assert.Equal((SynchronousMode.Normal, TimeSpan.FromMilliseconds(1500), 8 * 1024, 500),
            (settings.Storage.Synchronous, settings.Storage.BusyTimeout, settings.Storage.CacheSizeKiB, settings.Storage.VacuumChunkSize));
        Assert.Equal(Path.Combine(_dataDir, "leadership.db"), settings.HostDbPath);
    }

    [Fact]
    public void Every_follower_option_reaches_the_follower_setting_it_mirrors()
    {
        var options = new SyncLogOptions
        {
            DataDir = _dataDir,
            DataDirEnvironmentVariable = "",
            Follower =
            {
                PageSize = 250,
                PrefetchPages = 4,
                MaxReplicateRows = 3000,
                AskTimeout = TimeSpan.FromSeconds(3),
                BackoffMin = TimeSpan.FromMilliseconds(50),
                BackoffMax = TimeSpan.FromSeconds(2),
                BackoffRandomFactor = 0.35,
                HeartbeatInterval = TimeSpan.Zero,
                AckInterval = TimeSpan.FromMilliseconds(250),
            },
        };

        var follower = SettingsOf(options).Follower;

        Assert.Equal((250, 4, 3000, 0.35), (follower.PageSize, follower.PrefetchPages, follower.MaxReplicateRows, follower.BackoffRandomFactor));
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), TimeSpan.Zero, TimeSpan.FromMilliseconds(250)),
            (follower.AskTimeout, follower.BackoffMin, follower.BackoffMax, follower.HeartbeatInterval, follower.AckInterval));
        // Unset, every follower option keeps the synclog.hocon default.
        Assert.Equal(new FollowerSettings(), SettingsOf(new SyncLogOptions { DataDir = _dataDir, DataDirEnvironmentVariable = "" }).Follower);
    }

    [Theory]
    [InlineData("follower.page-size")]
    [InlineData("follower.prefetch-pages")]
    [InlineData("follower.max-replicate-rows")]
    [InlineData("follower.ask-timeout")]
    [InlineData("follower.backoff-max")]
    [InlineData("follower.backoff-random-factor")]
    [InlineData("follower.ack-interval")]
    public void An_out_of_range_follower_option_is_refused_naming_its_hocon_key(string key)
    {
        var options = new SyncLogOptions { DataDir = _dataDir, DataDirEnvironmentVariable = "" };
        switch (key)
        {
            case "follower.page-size": options.Follower.PageSize = 10_001; break;
            case "follower.prefetch-pages": options.Follower.PrefetchPages = 0; break;
            case "follower.max-replicate-rows": options.Follower.MaxReplicateRows = 100_001; break;
            case "follower.ask-timeout": options.Follower.AskTimeout = TimeSpan.Zero; break;
            case "follower.backoff-max": options.Follower.BackoffMax = TimeSpan.FromMilliseconds(100); break;
            case "follower.backoff-random-factor": options.Follower.BackoffRandomFactor = double.NaN; break;
            default: options.Follower.AckInterval = TimeSpan.FromSeconds(-1); break;
        }

        var e = Assert.Throws<ConfigurationException>(() => NewBuilder().WithSyncLog(options));

        Assert.Contains($"synclog.{key}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_override_synclog_hocon_added_before_them_and_that_hocon_fills_in_the_rest()
    {
        var builder = NewBuilder();
        builder.AddHocon(ConfigurationFactory.ParseString("""
            synclog.retention = 3d
            synclog.device-id = "from-hocon"
            """), HoconAddMode.Prepend);

        builder.WithSyncLog(new SyncLogOptions { DataDir = _dataDir, DataDirEnvironmentVariable = "", DeviceId = "from-options" });
        var settings = SyncLogSettings.FromConfig(builder.Configuration.Value);

        Assert.Equal(("from-options", TimeSpan.FromDays(3)), (settings.DeviceId, settings.Retention));
    }

    [Fact]
    public void The_leadership_database_follows_the_options_data_dir()
    {
        var builder = NewBuilder().WithSyncLog(new SyncLogOptions { DataDir = _dataDir, DataDirEnvironmentVariable = "" });

        var config = builder.Configuration.Value;

        Assert.Equal($"Data Source={Path.Combine(_dataDir, "sync-host.db")}", config.GetString("synclog.persistence.journal.connection-string"));
        Assert.Equal($"Data Source={Path.Combine(_dataDir, "sync-host.db")}", config.GetString("synclog.persistence.snapshot-store.connection-string"));
    }

    [Theory]
    [InlineData("max-batch-size")]
    [InlineData("retention")]
    [InlineData("max-retention")]
    [InlineData("storage.io-threads")]
    public void An_out_of_range_option_is_refused_naming_its_hocon_key(string key)
    {
        var options = new SyncLogOptions { DataDir = _dataDir, DataDirEnvironmentVariable = "" };
        switch (key)
        {
            case "max-batch-size": options.MaxBatchSize = 0; break;
            case "retention": options.Retention = TimeSpan.FromHours(-1); break;
            case "max-retention": options.MaxRetention = TimeSpan.FromDays(1); break;
            default: options.Storage.IoThreads = 65; break;
        }

        var e = Assert.Throws<ConfigurationException>(() => NewBuilder().WithSyncLog(options));

        Assert.Contains($"synclog.{key}", e.Message, StringComparison.Ordinal);
    }

    private static AkkaConfigurationBuilder NewBuilder() => new(new ServiceCollection(), "options-spec");

    private static SyncLogSettings SettingsOf(SyncLogOptions options) =>
        SyncLogSettings.FromConfig(NewBuilder().WithSyncLog(options).Configuration.Value);
}
