using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>The data-dir lock lives as long as the supervisor and its actor system, whoever disposes what.</summary>
public sealed class HostLifetimeSpecs : DataDirSpec
{
    [Fact]
    public async Task Attach_keeps_no_lock_when_the_supervisor_cannot_be_created()
    {
        using var system = ActorSystem.Create("attach-fails", SyncLogConfig.Build(Overrides()));
        system.ActorOf(Props.Create<Idle>(), "synclog");

        Assert.Throws<InvalidActorNameException>(() => SyncLogHost.Attach(system));

        await using var attached = SyncLogHost.Attach(system, "synclog-2");
        Assert.Throws<SyncLogLockedException>(() => SyncLogHost.Start(Overrides()));
        await system.Terminate();
    }

    [Fact]
    public async Task Terminating_the_system_of_an_attached_host_frees_the_data_dir_without_disposing_the_host()
    {
        var system = ActorSystem.Create("attached", SyncLogConfig.Build(Overrides()));
        var attached = SyncLogHost.Attach(system);
        Assert.Throws<SyncLogLockedException>(() => SyncLogHost.Start(Overrides()));

        await system.Terminate();

        await using var next = SyncLogHost.Start(Overrides());
        GC.KeepAlive(attached);
    }

    [Fact]
    public async Task Terminating_the_system_of_a_started_host_frees_the_data_dir_without_disposing_the_host()
    {
        var host = SyncLogHost.Start(Overrides(), "first");
        await new SyncLogClient(host.Supervisor).ChangeLeadershipAsync(Guid.NewGuid(), "device-a", 1);

        await host.System.Terminate();

        await using var next = SyncLogHost.Start(Overrides(), "second");
        Assert.Equal(0, await next.Client.OpenLibraryAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_stopped_supervisor_frees_the_data_dir_while_the_system_runs()
    {
        using var system = ActorSystem.Create("stopped", SyncLogConfig.Build(Overrides()));
        var attached = SyncLogHost.Attach(system);

        await attached.Supervisor.GracefulStop(Patience);

        // The release follows the supervisor's termination asynchronously.
        await using var next = await Eventually(() => SyncLogHost.Attach(system, "synclog-again"));
        await system.Terminate();
    }

    [Fact]
    public async Task Disposing_an_attached_host_frees_the_data_dir_and_leaves_the_system_running()
    {
        using var system = ActorSystem.Create("disposed", SyncLogConfig.Build(Overrides()));
        var attached = SyncLogHost.Attach(system);

        await attached.DisposeAsync();

        await using var next = SyncLogHost.Attach(system, "synclog-again");
        Assert.False(system.WhenTerminated.IsCompleted);
        await system.Terminate();
    }

    private static async Task<T> Eventually<T>(Func<T> attempt)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return attempt();
            }
            catch (SyncLogLockedException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private sealed class Idle : ReceiveActor;
}
