using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// Actor-system extension that owns the threads every library's sync.db writes run on (<c>synclog.storage.io-threads</c>),
/// shared by all libraries of the system and stopped with it.
/// </summary>
public sealed class StorageIo : IExtension
{
    internal StorageIo(ActorSystem system)
    {
        var threads = SyncLogSettings.FromConfig(system.Settings.Config).StorageIoThreads;
        Scheduler = new DedicatedThreadScheduler(threads, "synclog-io");
        system.RegisterOnTermination(Scheduler.Dispose);
    }

    internal DedicatedThreadScheduler Scheduler { get; }

    /// <summary>The system's instance, created on first use.</summary>
    public static StorageIo Get(ActorSystem system) => system.WithExtension<StorageIo, StorageIoProvider>();
}

/// <summary>Creates the <see cref="StorageIo"/> extension.</summary>
public sealed class StorageIoProvider : ExtensionIdProvider<StorageIo>
{
    /// <inheritdoc />
    public override StorageIo CreateExtension(ExtendedActorSystem system) => new(system);
}
