using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace SyncLog.Actors;

/// <summary>
/// The mailbox of the supervisor and the library actors (configured at <see cref="Id"/>): a request sent while its
/// actor stops reaches the dead letters, where <see cref="DeadLetterAnswerer"/> answers it, instead of vanishing.
/// </summary>
internal sealed class StopSafeMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<StopSafeMessageQueue>
{
    /// <summary>The config path of this mailbox, shipped in <c>synclog.hocon</c>.</summary>
    public const string Id = "synclog.mailbox";

    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new StopSafeMessageQueue();
}
