using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors;

// Live subscriptions. There is no separate catch-up and live mode, so nothing can be lost or repeated at a switch:
// a subscription is only a position (its last delivered sequence) and a demand. Whenever the log is ahead of a
// subscriber with demand (after Subscribe, RequestEntries, each commit), one FetchSince from the file serves every
// subscriber at that position; the entries are contiguous after it by construction. Nothing is read while the log
// is idle, nothing is buffered beyond one page (synclog.subscription-buffer), and a slow subscriber only lags.
public sealed partial class LibrarySyncLogActor
{
    private readonly Dictionary<IActorRef, Subscription> _subscriptions = [];
    private bool _reportedSubscribers;
    private int _subscriptionReads;

    private void HandleSubscriptions()
    {
        Receive<Subscribe>(OnSubscribe);
        Receive<RequestEntries>(request =>
        {
            if (request.Count < 1)
            {
                Reply(new InvalidRequest(_libraryId, $"count must be at least 1, got {request.Count}"));
                return;
            }

            // A subscription already ended (its SubscriptionEnded is on its way) takes no more demand.
            if (!_subscriptions.TryGetValue(request.Subscriber, out var subscription))
                return;
            subscription.Demand = subscription.Demand > long.MaxValue - request.Count ? long.MaxValue : subscription.Demand + request.Count;
            PumpSubscriptions();
        });
        Receive<Unsubscribe>(unsubscribe =>
        {
            if (_subscriptions.TryGetValue(unsubscribe.Subscriber, out var subscription))
                EndSubscription(subscription, SubscriptionEndReason.Unsubscribed, 0, "unsubscribed");
            StopIfRequestedAndIdle();
        });
        Receive<SubscriptionPageRead>(OnSubscriptionPageRead);
        Receive<Terminated>(t => _subscriptions.ContainsKey(t.ActorRef), t =>
        {
            // The subscriber died: drop it without a word (nobody is left to tell).
            _subscriptions.Remove(t.ActorRef);
            ReportSubscribers();
            StopIfRequestedAndIdle();
        });
    }

    private void OnSubscribe(Subscribe subscribe)
    {
        if (_settings.ReadOnly)
        {
            Reply(new InvalidRequest(_libraryId,
                "this host is read-only (synclog.read-only = on): another process commits, so nothing is pushed here; poll FetchSince"));
            return;
        }

        var invalid = Invalid(() =>
        {
            EntryValidator.RequireSequence(subscribe.AfterSequence, nameof(Subscribe.AfterSequence));
            if (subscribe.Subscriber is null || subscribe.Subscriber.IsNobody())
                throw new ArgumentException("subscriber must be an actor, got none");
            if (subscribe.InitialDemand < 0)
                throw new ArgumentException($"initial demand must be 0 or more, got {subscribe.InitialDemand}");
        });
        if (invalid is not null)
        {
            Reply(invalid);
            return;
        }

        // Passivation already decided: the supervisor holds this for the next incarnation.
        if (_stopRequested)
        {
            ForwardToParent(subscribe);
            return;
        }

        if (Absent())
            return;
        if (_subscriptions.ContainsKey(subscribe.Subscriber))
        {
            Reply(new InvalidRequest(_libraryId, $"{subscribe.Subscriber.Path} is already subscribed to this library; unsubscribe first"));
            return;
        }

        var subscription = new Subscription(subscribe.Subscriber, subscribe.AfterSequence, subscribe.InitialDemand);
        _subscriptions.Add(subscribe.Subscriber, subscription);
        ReportSubscribers();
        Context.Watch(subscribe.Subscriber);
        subscribe.Subscriber.Tell(new SubscriptionStarted(_libraryId, subscribe.AfterSequence, _latest));
        Settle();
        PumpSubscriptions();
    }

    // Starts one read per distinct position that is behind the log and has demand; ends those a vacuum overtook.
    private void PumpSubscriptions()
    {
        if (_db is null || _subscriptions.Count == 0)
            return;
        var floor = _db.VacuumedThroughSequence;
        List<Subscription>? overtaken = null;
        Dictionary<long, List<Subscription>>? due = null;
        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription.Reading)
                continue;
            if (subscription.Position < floor)
                (overtaken ??= []).Add(subscription);
            else if (subscription.Demand > 0 && subscription.Position < _latest)
            {
                due ??= [];
                if (!due.TryGetValue(subscription.Position, out var readers))
                    due[subscription.Position] = readers = [];
                readers.Add(subscription);
            }
        }

        foreach (var subscription in overtaken ?? [])
            EndSubscription(subscription, SubscriptionEndReason.Truncated, floor, $"entries after {subscription.Position} were vacuumed (through {floor}); resync");
        foreach (var (after, readers) in due ?? [])
            ReadForSubscribers(after, readers);
    }

    private void ReadForSubscribers(long after, List<Subscription> readers)
    {
        var most = 0L;
        foreach (var reader in readers)
        {
            reader.Reading = true;
            most = Math.Max(most, reader.Demand);
        }

        var limit = (int)Math.Min(most, _settings.SubscriptionBuffer);
        var db = _db!;
        var self = Self;
        var incarnation = _incarnation;
        _subscriptionReads++;
        var done = Track();
        Task.Run(() => db.FetchSinceAsync(after, limit)).ContinueWith(t =>
        {
            done.SetResult();
            self.Tell(t.IsCompletedSuccessfully
                ? new SubscriptionPageRead(incarnation, done.Task, readers, t.Result, null)
                : new SubscriptionPageRead(incarnation, done.Task, readers, null, t.Exception is { } e ? Unwrap(e).Message : "the read was cancelled"));
        }, TaskScheduler.Default);
    }

    private void OnSubscriptionPageRead(SubscriptionPageRead read)
    {
        if (read.Incarnation != _incarnation)
            return;
        _pendingIo.Remove(read.Io);
        _subscriptionReads--;
        var delivered = false;
        foreach (var reader in read.Readers)
        {
            // Ended (or replaced) while the page was read: it gets nothing of it.
            if (!_subscriptions.TryGetValue(reader.Subscriber, out var live) || !ReferenceEquals(live, reader))
                continue;
            reader.Reading = false;
            if (read.Page is not { } page)
            {
                EndSubscription(reader, SubscriptionEndReason.LibraryFailed, 0, $"reading the log failed: {read.Failure}");
                continue;
            }

            if (page.IsTruncated)
            {
                EndSubscription(reader, SubscriptionEndReason.Truncated, page.VacuumedThroughSequence,
                    $"entries after {reader.Position} were vacuumed (through {page.VacuumedThroughSequence}); resync");
                continue;
            }

            var count = (int)Math.Min(reader.Demand, page.Entries.Count);
            if (count == 0)
                continue;
            var entries = count == page.Entries.Count ? page.Entries : page.Entries.Take(count).ToArray();
            reader.Subscriber.Tell(new SubscriptionEntries(_libraryId, entries));
            reader.Position = entries[^1].Sequence;
            reader.Demand -= count;
            delivered = true;
        }

        // Only after progress: an empty page (nothing new after all) must not spin; the next commit pumps again.
        if (delivered)
            PumpSubscriptions();
        StopIfRequestedAndIdle();
    }

    private void EndSubscription(Subscription subscription, SubscriptionEndReason reason, long vacuumedThrough, string detail)
    {
        _subscriptions.Remove(subscription.Subscriber);
        ReportSubscribers();
        Context.Unwatch(subscription.Subscriber);
        subscription.Subscriber.Tell(new SubscriptionEnded(_libraryId, reason, subscription.Position, vacuumedThrough, detail));
    }

    // The supervisor passivates libraries without subscribers first when it needs a slot; it hears only of changes.
    private void ReportSubscribers()
    {
        var hasSubscribers = _subscriptions.Count > 0;
        if (hasSubscribers == _reportedSubscribers)
            return;
        _reportedSubscribers = hasSubscribers;
        Context.Parent.Tell(new SubscribersChanged(_libraryId, hasSubscribers));
    }

    // Every live subscription ends with a reason when this incarnation stops serving: none is left hanging.
    private void EndAllSubscriptions(SubscriptionEndReason reason, string detail)
    {
        foreach (var subscription in _subscriptions.Values.ToList())
            EndSubscription(subscription, reason, 0, detail);
    }

    private sealed class Subscription(IActorRef subscriber, long position, long demand)
    {
        public IActorRef Subscriber { get; } = subscriber;

        // The last sequence delivered (or the AfterSequence it started from).
        public long Position { get; set; } = position;

        public long Demand { get; set; } = demand;

        // A page for this position is being read; its position is fixed until it arrives.
        public bool Reading { get; set; }
    }

    private sealed record SubscriptionPageRead(long Incarnation, Task Io, List<Subscription> Readers, FetchResult? Page, string? Failure)
        : INoSerializationVerificationNeeded;
}
