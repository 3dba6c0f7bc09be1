using Akka.Actor;
using Akka.Event;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// Routes every <see cref="ILibraryRequest"/> to its library's <see cref="LibrarySyncLogActor"/>, creating it on first use.
/// Passivation goes through here so no message is lost to a stopping child: while a child drains and stops,
/// its library's new messages are held and handed to a fresh child once the old one is gone.
/// </summary>
public sealed class SyncLogSupervisor : ReceiveActor
{
    private readonly SyncLogSettings _settings;
    private readonly Dictionary<Guid, List<(object Message, IActorRef Sender)>> _passivating = [];
    private readonly Dictionary<IActorRef, Guid> _libraryOf = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LibraryDrains _drains = LibraryDrains.Get(Context.System);

    /// <summary>Creates the supervisor; use <see cref="Props(SyncLogSettings)"/>.</summary>
    public SyncLogSupervisor(SyncLogSettings settings)
    {
        _settings = settings;

        Receive<ILibraryRequest>(request =>
        {
            if (request.LibraryId == Guid.Empty)
            {
                Sender.Tell(new InvalidRequest(Guid.Empty, "library id must not be the empty GUID"));
                return;
            }

            if (_passivating.TryGetValue(request.LibraryId, out var held))
                held.Add((request, Sender));
            else
                ChildFor(request.LibraryId).Forward(request);
        });

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
            if (_passivating.ContainsKey(started.LibraryId))
                Sender.Tell(StopWhenIdle.Instance);
        });

        Receive<Terminated>(terminated =>
        {
            if (!_libraryOf.Remove(terminated.ActorRef, out var libraryId))
                return;
            if (!_passivating.Remove(libraryId, out var held) || held.Count == 0)
                return;
            var child = ChildFor(libraryId);
            foreach (var (message, sender) in held)
                child.Tell(message, sender);
        });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        // A damaged leadership database leaves the journal plugin dead and every library's recovery silent; found
        // here, every request is refused at once with the reason instead of waiting out the recovery timeout.
        if (!_settings.ReadOnly && SqliteFileProbe.ProblemWith(_settings.HostDbPath) is { } problem)
        {
            var reason = $"the host's leadership database cannot be used: {problem}";
            _log.Error("Sync log host: {0}", reason);
            Become(() => Receive<ILibraryRequest>(request => Sender.Tell(new StorageFailure(request.LibraryId, reason))));
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // Held for a library that was still passivating when the host stopped: no next incarnation will serve them.
        foreach (var (libraryId, held) in _passivating)
        {
            foreach (var (message, sender) in held)
            {
                // After the stopped library's write in flight is answered: its sender's replies stay in order.
                if (message is ILibraryRequest && !sender.IsNobody())
                    _drains.AfterDrained(libraryId, () => sender.Tell(new StorageFailure(libraryId, "the sync log host stopped before the library could answer")));
            }
        }

        _passivating.Clear();
    }

    /// <summary>Props for the supervisor of one host.</summary>
    public static Props Props(SyncLogSettings settings) => Akka.Actor.Props.Create(() => new SyncLogSupervisor(settings));

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

    private IActorRef ChildFor(Guid libraryId)
    {
        var name = ChildName(libraryId);
        var child = Context.Child(name);
        if (!child.IsNobody())
            return child;
        child = Context.ActorOf(LibrarySyncLogActor.Props(libraryId, _settings), name);
        Context.Watch(child);
        _libraryOf[child] = libraryId;
        return child;
    }
}
