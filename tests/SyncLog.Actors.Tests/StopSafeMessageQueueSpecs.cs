using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace SyncLog.Actors.Tests;

/// <summary>
/// The supervisor's and libraries' message queue: every message enqueued is either dequeued by the actor or, once the
/// actor's stop cleaned the queue up, handed to the dead letters, exactly once, however senders race that clean-up.
/// </summary>
public sealed class StopSafeMessageQueueSpecs
{
    private static readonly IActorRef Owner = ActorRefs.Nobody;

    [Fact]
    public void A_message_enqueued_after_the_clean_up_goes_to_the_dead_letters()
    {
        var queue = new StopSafeMessageQueue();
        var deadLetters = new CollectingQueue();
        queue.Enqueue(Owner, Envelope(1));
        queue.CleanUp(Owner, deadLetters);

        // A sender that looked the mailbox up before the stop enqueues only now.
        queue.Enqueue(Owner, Envelope(2));

        Assert.Equal([1, 2], deadLetters.Messages.Order());
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Unstashed_messages_come_first_and_are_dead_lettered_too()
    {
        var queue = new StopSafeMessageQueue();
        queue.Enqueue(Owner, Envelope(3));
        queue.EnqueueFirst(Envelope(2));
        queue.EnqueueFirst(Envelope(1));
        Assert.True(queue.TryDequeue(out var first));
        Assert.Equal(1, first.Message);

        var deadLetters = new CollectingQueue();
        queue.CleanUp(Owner, deadLetters);

        Assert.Equal([2, 3], deadLetters.Messages.Order());
    }

    [Fact]
    public void Senders_racing_the_clean_up_lose_no_message_and_duplicate_none()
    {
        const int Senders = 4;
        const int PerSender = 20_000;
        for (var round = 0; round < 20; round++)
        {
            var queue = new StopSafeMessageQueue();
            var deadLetters = new CollectingQueue();
            var dequeued = new List<int>();
            using var start = new Barrier(Senders + 1);
            var senders = Enumerable.Range(0, Senders).Select(s => new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < PerSender; i++)
                    queue.Enqueue(Owner, Envelope(s * PerSender + i));
            })).ToArray();
            foreach (var sender in senders)
                sender.Start();

            // The actor takes what it finds, then stops while the senders are still sending.
            start.SignalAndWait();
            for (var i = 0; i < round * 500; i++)
            {
                if (queue.TryDequeue(out var envelope))
                    dequeued.Add((int)envelope.Message);
            }

            queue.CleanUp(Owner, deadLetters);
            foreach (var sender in senders)
                sender.Join();

            var all = dequeued.Concat(deadLetters.Messages).Order().ToList();
            Assert.Equal(Enumerable.Range(0, Senders * PerSender), all);
        }
    }

    private static Envelope Envelope(int message) => new(message, ActorRefs.NoSender);

    // The dead letters' queue, as the mailbox's clean-up is given it.
    private sealed class CollectingQueue : IMessageQueue
    {
        private readonly ConcurrentQueue<int> _messages = new();

        public IEnumerable<int> Messages => _messages;

        public bool HasMessages => !_messages.IsEmpty;

        public int Count => _messages.Count;

        public void Enqueue(IActorRef receiver, Envelope envelope) => _messages.Enqueue((int)envelope.Message);

        public bool TryDequeue(out Envelope envelope) => throw new NotSupportedException("the dead letters are only enqueued to");

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
        }
    }
}
