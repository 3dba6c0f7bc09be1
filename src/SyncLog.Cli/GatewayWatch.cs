using Akka.Actor;

namespace SyncLog.Cli;

/// <summary>
/// Completes a task when a served host's gateway dies or its host becomes unreachable. A plain actor, because only an
/// actor cell's DeathWatch hears of a remote address that is gone (a killed host, a cut network) from Akka.Remote's
/// failure detector; a stream stage's <c>Watch</c> hears only of a gateway stopped by its host.
/// </summary>
internal sealed class GatewayWatch : ReceiveActor
{
    public GatewayWatch(IActorRef gateway, TaskCompletionSource gone)
    {
        Context.Watch(gateway);
        Receive<Terminated>(_ =>
        {
            gone.TrySetResult();
            Context.Stop(Self);
        });
    }

    public static Props Props(IActorRef gateway, TaskCompletionSource gone) =>
        Akka.Actor.Props.Create(() => new GatewayWatch(gateway, gone));
}
