using Akka.Actor;

namespace SyncLog.Actors;

// Between the supervisor and its library children, always in one process: never serialized.

/// <summary>Child to supervisor: this library has been idle; stop me and hold its messages until I am gone.</summary>
internal sealed record Passivate(Guid LibraryId) : INoSerializationVerificationNeeded;

/// <summary>Supervisor to child: finish what is in flight, close the file and stop. Sent after every forwarded message.</summary>
internal sealed record StopWhenIdle : INoSerializationVerificationNeeded
{
    public static StopWhenIdle Instance { get; } = new();
}

/// <summary>
/// Child to supervisor, on every start (restarts included): a passivating library answers with <see cref="StopWhenIdle"/>
/// again, since a restarted child has forgotten it was asked to stop.
/// </summary>
internal sealed record LibraryStarted(Guid LibraryId) : INoSerializationVerificationNeeded;

/// <summary>
/// Child to supervisor: this library gained its first live subscriber, or lost its last. Making room for another library
/// passivates libraries without subscribers first, since stopping one ends its subscriptions (a tail, a follower).
/// </summary>
internal sealed record SubscribersChanged(Guid LibraryId, bool HasSubscribers) : INoSerializationVerificationNeeded;
