using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace SyncLog.Actors;

/// <summary>
/// The queue of <see cref="StopSafeMailbox"/>: unbounded and deque-based (for the stash) like Akka's own, but closed by
/// its actor's stop, so a message enqueued while the actor stops is dead-lettered instead of stranded.
/// </summary>
/// <remarks>
/// Akka's queues are drained to dead letters once, when the actor stops; a sender that looked the mailbox up before
/// the stop and enqueues just after that drain leaves its message in a queue nobody reads again: no reply, no dead
/// letter. Here the sender checks, after enqueueing, whether the queue was closed and drains it itself if so.
/// </remarks>
internal sealed class StopSafeMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private readonly ConcurrentQueue<Envelope> _queue = new();
    // Only the actor's own thread prepends (unstashes) and dequeues, as in Akka's DequeWrapperMessageQueue.
    private readonly Stack<Envelope> _prepended = new();
    private IMessageQueue? _deadLetters;

    /// <inheritdoc />
    public bool HasMessages => _prepended.Count > 0 || !_queue.IsEmpty;

    /// <inheritdoc />
    public int Count => _queue.Count + _prepended.Count;

    /// <inheritdoc />
    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        _queue.Enqueue(envelope);
        // Store, full fence, load, mirrored in CleanUp: either the clean-up's drain sees this message or this sender
        // sees the queue closed and drains it; never neither. TryDequeue hands each message to one drain only.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _deadLetters) is { } deadLetters)
            Drain(receiver, deadLetters);
    }

    /// <inheritdoc />
    public bool TryDequeue(out Envelope envelope) => _prepended.TryPop(out envelope) || _queue.TryDequeue(out envelope);

    /// <inheritdoc />
    public void EnqueueFirst(Envelope envelope) => _prepended.Push(envelope);

    /// <inheritdoc />
    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        Interlocked.Exchange(ref _deadLetters, deadletters);
        while (_prepended.TryPop(out var envelope))
            deadletters.Enqueue(owner, envelope);
        Drain(owner, deadletters);
    }

    private void Drain(IActorRef owner, IMessageQueue deadLetters)
    {
        while (_queue.TryDequeue(out var envelope))
            deadLetters.Enqueue(owner, envelope);
    }
}
