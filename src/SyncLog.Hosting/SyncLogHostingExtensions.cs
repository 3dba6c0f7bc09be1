using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using SyncLog.Actors;

namespace SyncLog.Hosting;

/// <summary>Akka.Hosting integration: <c>builder.WithSyncLog(options)</c> and typed clients from the actor registry.</summary>
public static class SyncLogHostingExtensions
{
    /// <summary>
    /// Adds the sync log to the actor system: <paramref name="options"/> over any <c>synclog</c> HOCON added before this
    /// call, over the <c>synclog.hocon</c> defaults; starts the <see cref="SyncLogSupervisor"/> with the system, locks
    /// the data dir until the system shuts down, and registers the supervisor in the <see cref="ActorRegistry"/> under
    /// <see cref="SyncLogSupervisor"/> (<c>registry.Get&lt;SyncLogSupervisor&gt;()</c>, <c>IRequiredActor&lt;SyncLogSupervisor&gt;</c>).
    /// </summary>
    /// <exception cref="ConfigurationException">An option is out of range; the message names the HOCON key.</exception>
    public static AkkaConfigurationBuilder WithSyncLog(this AkkaConfigurationBuilder builder, SyncLogOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new SyncLogOptions();
        var optionsConfig = ConfigurationFactory.ParseString(options.ToHocon());
        var configuredSoFar = builder.Configuration.HasValue ? builder.Configuration.Value : Config.Empty;

        // Validates now, so a bad option fails while the host is built, and fills in the leadership database's
        // connection strings from the data dir the way SyncLogHost.Start does.
        var full = SyncLogConfig.Build(optionsConfig.WithFallback(configuredSoFar));
        var derived = ConfigurationFactory.ParseString($"""
            synclog.persistence.journal.connection-string = {SyncLogConfig.Quote(full.GetString("synclog.persistence.journal.connection-string"))}
            synclog.persistence.snapshot-store.connection-string = {SyncLogConfig.Quote(full.GetString("synclog.persistence.snapshot-store.connection-string"))}
            """);

        builder.AddHocon(optionsConfig.WithFallback(derived), HoconAddMode.Prepend);
        builder.AddHocon(SyncLogConfig.Defaults, HoconAddMode.Append);
        var supervisorName = options.SupervisorName ?? SyncLogHost.DefaultSupervisorName;
        return builder.WithActors((system, registry) =>
        {
            // The host object needs no disposing: the data-dir lock is bound to the supervisor and the system.
            var host = SyncLogHost.Attach(system, supervisorName);
            registry.Register<SyncLogSupervisor>(host.Supervisor);
        });
    }

    /// <summary>A <see cref="SyncLogClient"/> of the registered supervisor, waiting up to <paramref name="timeout"/> per request.</summary>
    /// <exception cref="MissingActorRegistryEntryException">The actor system has not started the sync log (yet).</exception>
    public static SyncLogClient GetSyncLogClient(this IReadOnlyActorRegistry registry, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return new SyncLogClient(registry.Get<SyncLogSupervisor>(), timeout);
    }

    /// <summary>A <see cref="SyncLogClient"/> of the required supervisor, once the actor system has started it.</summary>
    public static async Task<SyncLogClient> GetSyncLogClientAsync(this IRequiredActor<SyncLogSupervisor> supervisor,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        return new SyncLogClient(await supervisor.GetAsync(cancellationToken), timeout);
    }
}
