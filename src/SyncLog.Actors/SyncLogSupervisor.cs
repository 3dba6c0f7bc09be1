using Akka.Actor;
using Akka.Event;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// Routes every <see cref="ILibraryRequest"/> to its library's <see cref="LibrarySyncLogActor"/>, creating it on first use.
/// Passivation goes through here so no message is lost to a stopping child: while a child drains and stops,
/// its library's new messages are held and handed to a fresh child once the old one is gone.
/// </summary>
/// <remarks>
/// Under <c>synclog.max-open-libraries</c> a library without an actor that finds every slot taken waits, its requests
/// held in order, while the least recently used library (one without live subscribers first) is passivated through the
/// same handshake; the first slot freed goes to the library that waited longest. One that waits longer than
/// <c>max-open-libraries-wait</c> has its requests refused with <see cref="StorageFailure"/> ("too many open libraries
/// ...; retry").
/// </remarks>
public sealed class SyncLogSupervisor : ReceiveActor, IWithTimers
{
    private readonly SyncLogSettings _settings;
    private readonly bool _networked;
    private readonly Dictionary<Guid, List<(object Message, IActorRef Sender)>> _passivating = [];
    private readonly Dictionary<Guid, List<(object Message, IActorRef Sender)>> _waitingForSlot = [];
    private readonly Dictionary<IActorRef, Guid> _libraryOf = [];
    private readonly Dictionary<Guid, IActorRef> _children = [];
    private readonly HashSet<Guid> _subscribed = [];
    private readonly LibrarySlots _slots;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LibraryDrains _drains = LibraryDrains.Get(Context.System);
    private readonly LocalTrust _trust = LocalTrust.Get(Context.System);

    /// <summary>Creates the supervisor; use <see cref="Props(SyncLogSettings)"/>.</summary>
    public SyncLogSupervisor(SyncLogSettings settings)
    {
        _settings = settings;
        _slots = new LibrarySlots(settings.MaxOpenLibraries);
        _networked = ServedRequests.IsNetworked(Context.System);

        // Through the entrance (SyncLogHost.Supervisor): this process's own requests, vouched for by the token.
        Receive<LocalRequest>(wrapped =>
        {
            if (_trust.Vouches(wrapped))
                Route(wrapped, wrapped.Request, local: true);
            else
                Sender.Tell(LocalTrust.Forged(wrapped));
        });
        Receive<ILibraryRequest>(request => Route(request, request, local: false));

        Receive<SlotWaitExpired>(expired => RefuseWaiting(expired.LibraryId));

        Receive<Passivate>(passivate =>
        {
            if (_passivating.ContainsKey(passivate.LibraryId))
                return;
            _passivating[passivate.LibraryId] = [];
            // Mailbox order: the child sees this only after everything forwarded to it before.
            Sender.Tell(StopWhenIdle.Instance);
        });

        Receive<LibraryStarted>(started =>
        {
            // A fresh incarnation (a restart too) has no subscribers yet.
            _subscribed.Remove(started.LibraryId);
            if (_passivating.ContainsKey(started.LibraryId))
                Sender.Tell(StopWhenIdle.Instance);
        });

        Receive<SubscribersChanged>(changed =>
        {
            if (!_children.TryGetValue(changed.LibraryId, out var child) || !child.Equals(Sender))
                return;
            if (changed.HasSubscribers)
                _subscribed.Add(changed.LibraryId);
            else
                _subscribed.Remove(changed.LibraryId);
        });

        Receive<Terminated>(terminated =>
        {
            if (!_libraryOf.Remove(terminated.ActorRef, out var libraryId))
                return;
            _children.Remove(libraryId);
            _subscribed.Remove(libraryId);
            _slots.Closed(libraryId);
            if (_passivating.Remove(libraryId, out var held) && held.Count > 0)
            {
                // Messages that came while it stopped: a fresh child at once, unless others wait for the slot first.
                if (_slots.HasRoom && _slots.WaitingCount == 0)
                    Deliver(Start(libraryId), held);
                else
                    WaitForSlot(libraryId, held);
            }

            FillFreeSlots();
        });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        // A damaged leadership database leaves the journal plugin dead and every library's recovery silent; found
        // here, every request is refused at once with the reason instead of waiting out the recovery timeout.
        if (!_settings.ReadOnly && SqliteFileProbe.ProblemWith(_settings.HostDbPath) is { } problem)
        {
            var reason = $"the host's leadership database cannot be used: {problem}";
            _log.Error("Sync log host: {0}", reason);
            Become(() =>
            {
                Receive<ILibraryRequest>(request => Sender.Tell(new StorageFailure(request.LibraryId, reason)));
                Receive<LocalRequest>(wrapped => wrapped.Request is not null,
                    wrapped => Sender.Tell(new StorageFailure(wrapped.Request.LibraryId, reason)));
            });
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // Held for a library that was still passivating, or waiting for a slot, when the host stopped: no next
        // incarnation will serve them.
        foreach (var (libraryId, held) in _passivating.Concat(_waitingForSlot))
        {
            foreach (var (message, sender) in held)
            {
                // After the stopped library's write in flight is answered: its sender's replies stay in order.
                if (LocalTrust.RequestIn(message) is not null && !sender.IsNobody())
                    _drains.AfterDrained(libraryId, () => sender.Tell(new StorageFailure(libraryId, "the sync log host stopped before the library could answer")));
            }
        }

        _passivating.Clear();
        _waitingForSlot.Clear();
    }

    /// <summary>Props for the supervisor of one host.</summary>
    public static Props Props(SyncLogSettings settings) =>
        Akka.Actor.Props.Create(() => new SyncLogSupervisor(settings)).WithMailbox(StopSafeMailbox.Id);

    /// <summary>The child name of a library's actor.</summary>
    public static string ChildName(Guid libraryId) => $"library-{libraryId:D}";

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        // Each library fails alone. I/O faults never get here (a library answers them itself); a bug restarts the
        // library, which answers what it held and reopens its file. One that keeps failing is stopped and comes back
        // on its next message instead of spinning; what was left in its mailbox is answered from the dead letters.
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), decider: Decider.From(e =>
        {
            var directive = e is ActorInitializationException ? Directive.Stop : Directive.Restart;
            _log.Warning("Sync log child failed, {0}: {1}", directive == Directive.Restart ? "restarting it" : "stopping it", e.Message);
            return directive;
        }));

    // The message goes on as it came (wrapped or not), so the library actor judges it the same way.
    private void Route(object message, ILibraryRequest request, bool local)
    {
        if (request.LibraryId == Guid.Empty)
        {
            Sender.Tell(new InvalidRequest(Guid.Empty, "library id must not be the empty GUID"));
            return;
        }

        if ((ServedRequests.WriteRefusal(request, local, _settings, _networked)
             ?? ServedRequests.LocalSubscriberOfPeer(request, local, _networked)) is { } refused)
        {
            Sender.Tell(refused);
            return;
        }

        // Routed through a dictionary of our own: no child name formatted and looked up per message.
        var library = request.LibraryId;
        if (_passivating.TryGetValue(library, out var held))
        {
            held.Add((message, Sender));
        }
        else if (_children.TryGetValue(library, out var child))
        {
            _slots.Used(library);
            child.Forward(message);
        }
        else if (_waitingForSlot.TryGetValue(library, out var waiting))
        {
            waiting.Add((message, Sender));
        }
        else if (request is RequestEntries { Count: > 0 } or Unsubscribe)
        {
            // No incarnation, running, stopping or waiting, can hold this subscription: a fresh one would drop the
            // message after opening the file (and perhaps passivating another library to make room). The stream it
            // belongs to has ended or gets its SubscriptionEnded from the incarnation that had it.
        }
        else if (_slots.HasRoom)
        {
            Start(library).Forward(message);
        }
        else
        {
            WaitForSlot(library, [(message, Sender)]);
        }
    }

    private IActorRef Start(Guid libraryId)
    {
        var child = Context.ActorOf(LibrarySyncLogActor.Props(libraryId, _settings), ChildName(libraryId));
        Context.Watch(child);
        _libraryOf[child] = libraryId;
        _children[libraryId] = child;
        _slots.Opened(libraryId);
        return child;
    }

    private static void Deliver(IActorRef child, List<(object Message, IActorRef Sender)> held)
    {
        foreach (var (message, sender) in held)
            child.Tell(message, sender);
    }

    private void WaitForSlot(Guid libraryId, List<(object Message, IActorRef Sender)> held)
    {
        _waitingForSlot[libraryId] = held;
        _slots.Wait(libraryId);
        Timers.StartSingleTimer(new SlotWaitExpired(libraryId), new SlotWaitExpired(libraryId), _settings.MaxOpenLibrariesWait);
        MakeRoom();
    }

    // One library stops for each one waiting, least recently used first; those already stopping count. Libraries
    // without live subscribers go first (stopping one ends its subscriptions); with subscribers only when every open
    // library has some. A busy one finishes what it holds before it stops, and what reaches it meanwhile is held.
    private void MakeRoom()
    {
        var stopping = _passivating.Count;
        var unsubscribedFirst = _slots.LeastRecentlyUsed.Where(library => !_subscribed.Contains(library))
            .Concat(_slots.LeastRecentlyUsed.Where(_subscribed.Contains));
        foreach (var library in unsubscribedFirst)
        {
            if (stopping >= _slots.WaitingCount)
                return;
            if (!_passivating.TryAdd(library, []))
                continue;
            _children[library].Tell(StopWhenIdle.Instance, Self);
            stopping++;
        }
    }

    private void FillFreeSlots()
    {
        while (_slots.TryTakeSlot(out var library))
        {
            Timers.Cancel(new SlotWaitExpired(library));
            _waitingForSlot.Remove(library, out var held);
            Deliver(Start(library), held!);
        }

        if (_slots.WaitingCount > 0)
            MakeRoom();
    }

    private void RefuseWaiting(Guid libraryId)
    {
        if (!_waitingForSlot.Remove(libraryId, out var held))
            return;
        _slots.StopWaiting(libraryId);
        var refusal = new StorageFailure(libraryId,
            $"too many open libraries (cap {_slots.Cap}, synclog.max-open-libraries); none freed a slot within {SyncLogSettings.Hocon(_settings.MaxOpenLibrariesWait)} (synclog.max-open-libraries-wait); retry");
        _log.Warning("Library {0}: {1}", libraryId, refusal.Reason);
        foreach (var (message, sender) in held)
        {
            if (LocalTrust.RequestIn(message) is not null)
                sender.Tell(refusal);
        }
    }

    /// <summary>A library has waited for a slot as long as it may (also the key of its timer).</summary>
    private sealed record SlotWaitExpired(Guid LibraryId) : INoSerializationVerificationNeeded;
}
