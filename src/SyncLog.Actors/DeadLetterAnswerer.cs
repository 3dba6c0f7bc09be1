using Akka.Actor;
using Akka.Event;

namespace SyncLog.Actors;

/// <summary>
/// Answers every request that dead-lettered on its way to a supervisor or one of its library actors (a library that
/// stopped with messages in its mailbox, a request sent while or after the host stopped) with
/// <see cref="StorageFailure"/>, so no caller waits for its timeout. A system actor: it outlives the supervisor, up to
/// the actor system's own end.
/// </summary>
internal sealed class DeadLetterAnswerer : ReceiveActor
{
    public DeadLetterAnswerer(ActorPath supervisor)
    {
        var drains = LibraryDrains.Get(Context.System);
        Receive<DeadLetter>(dead =>
        {
            // A request from this process is wrapped (LocalRequest); its sender is the app's, as for a bare one.
            if (LocalTrust.RequestIn(dead.Message) is not { } request || dead.Sender.IsNobody())
                return;
            var recipient = dead.Recipient.Path;
            string reason;
            if (recipient.Equals(supervisor))
                reason = "the sync log host has stopped";
            else if (supervisor.Equals(recipient.Parent))
                reason = "the library's actor stopped before it could answer; retry";
            else
                return;
            var sender = dead.Sender;
            // After the stopped library's write in flight is answered: its sender's replies stay in order.
            drains.AfterDrained(request.LibraryId, () => sender.Tell(new StorageFailure(request.LibraryId, reason)));
        });
    }

    /// <summary>
    /// Starts the answerer of the supervisor at <paramref name="supervisor"/> unless one runs already (a supervisor
    /// started again under the same name): one answerer per path, or a dead letter would be answered twice.
    /// </summary>
    public static void EnsureFor(ActorSystem system, ActorPath supervisor)
    {
        try
        {
            ((ExtendedActorSystem)system).SystemActorOf(Akka.Actor.Props.Create(() => new DeadLetterAnswerer(supervisor)),
                $"synclog-dead-letters-{supervisor.Name}");
        }
        catch (InvalidActorNameException)
        {
            // Already answering for this path.
        }
    }

    /// <inheritdoc />
    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    /// <inheritdoc />
    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
