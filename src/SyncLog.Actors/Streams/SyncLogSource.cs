using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>Akka.Streams sources over the live subscription protocol (<see cref="Subscribe"/>), with backpressure.</summary>
public static class SyncLogSource
{
    /// <summary>The default number of entries a source asks for ahead of downstream demand.</summary>
    public const int DefaultPrefetch = 256;

    /// <summary>
    /// Every entry of <paramref name="libraryId"/> after <paramref name="afterSequence"/>, from the file and then live,
    /// never more than <paramref name="prefetch"/> ahead of downstream demand. Fails with
    /// <see cref="SyncLogSubscriptionEndedException"/> when the subscription ends (after the entries already received),
    /// or with the refusal's <see cref="SyncLogException"/>; cancelling it unsubscribes.
    /// </summary>
    public static Source<SyncLogEntry, NotUsed> EntriesAfter(IActorRef supervisor, Guid libraryId, long afterSequence,
        int prefetch = DefaultPrefetch)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        if (prefetch < 1)
            throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, $"prefetch must be at least 1, got {prefetch}");
        if (afterSequence < 0)
            throw new ArgumentOutOfRangeException(nameof(afterSequence), afterSequence, $"after sequence must be 0 or more, got {afterSequence}");
        return Source.FromGraph(new SubscriptionSourceStage(supervisor, libraryId, afterSequence, prefetch));
    }
}
