using System.Threading.Channels;
using Akka.Actor;
using SyncLog.Actors;

namespace SyncLog.Cli;

/// <summary>
/// Hands a follower's events from the actor system's EventStream to <c>synclog follow</c>'s loop, which prints them
/// and decides when to stop; the loop reads them in order from one channel.
/// </summary>
internal sealed class FollowerEventRelay : ReceiveActor
{
    /// <summary>Creates the relay; use <see cref="Props"/>.</summary>
    public FollowerEventRelay(ChannelWriter<IFollowerEvent> events, Guid libraryId)
    {
        Receive<IFollowerEvent>(e => e.LibraryId == libraryId, e => events.TryWrite(e));
        Receive<IFollowerEvent>(_ => { });
    }

    /// <inheritdoc />
    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    /// <summary>
    /// Props of a relay of <paramref name="libraryId"/>'s follower events into <paramref name="events"/>. Subscribe it to
    /// <see cref="IFollowerEvent"/> on the EventStream right after starting it (not in PreStart, which runs later), so a
    /// follower started next cannot publish an event it misses.
    /// </summary>
    public static Props Props(ChannelWriter<IFollowerEvent> events, Guid libraryId) =>
        Akka.Actor.Props.Create(() => new FollowerEventRelay(events, libraryId));
}
