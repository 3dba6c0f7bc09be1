using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// Owns one library's <see cref="SyncLogDb"/>. Gets the library's leadership from its <see cref="LeadershipJournal"/>
/// child, opens the file if it exists (stashing requests meanwhile), then drives the <see cref="WritePipeline"/> (group
/// commit, fencing, exactly one answer per request), serves reads concurrently, answers the latest sequence from memory
/// and passivates when idle. It never restarts itself on an I/O fault: a failed write is answered and the next one tries
/// again; a journal or file that cannot be opened puts it in <c>Failed</c>, which answers everyone and retries later.
/// </summary>
public sealed partial class LibrarySyncLogActor : ReceiveActor, IWithStash, IWithTimers
{
    private const string VacuumTimerKey = "auto-vacuum";
    private const string RetryTimerKey = "retry-after-failure";
    private const string ReopenTimerKey = "reopen-locked-file";
    private const string PassivationTimerKey = "passivate-when-idle";

    // A file locked by its owner (often this library's previous incarnation, still closing after its last write) is
    // tried again at this pace, for up to the storage busy-timeout, before the library is declared failed.
    private static readonly TimeSpan LockedRetryInterval = TimeSpan.FromMilliseconds(100);
    private static long s_incarnations;

    // Every completion carries the incarnation that started it: one of an earlier incarnation (before a restart)
    // still has its reply delivered but never touches this one's counters or pipeline.
    private readonly long _incarnation = Interlocked.Increment(ref s_incarnations);
    private readonly Guid _libraryId;
    private readonly SyncLogSettings _settings;
    private readonly bool _networked;
    private readonly string _filePath;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DedicatedThreadScheduler _io = StorageIo.Get(Context.System).Scheduler;
    private readonly LogWriterSeam _seam = LogWriterSeam.Get(Context.System);
    private readonly LocalTrust _trust = LocalTrust.Get(Context.System);
    private readonly List<IActorRef> _openWaiters = [];
    private readonly HashSet<Task> _pendingIo = [];
    private readonly Queue<(LeadershipChanged Change, IActorRef ReplyTo)> _leadershipWaiting = new();
    private IActorRef? _journal;
    private WritePipeline? _pipeline;
    private SyncLogDb? _db;

    // Where this library's chain will be once the appends accepted so far are written (see Prepare).
    private readonly AppendChain _chain = new();

    // The guess is known broken (a write failed, or the writer relinked entries) until the pipeline is next idle. It
    // starts broken: appends queued before the file opened were not chained, so no guess holds until one is taken idle.
    private bool _guessBroken = true;
    private long _relinkedSeen;
    private ILogWriter? _writer;
    private Task<SyncLogDb>? _opening;
    private DateTime? _lockedSince;
    private Task<WriteResult>? _writeTask;
    private WriteJob? _jobAwaitingFile;
    private ReplicateJob? _jobAwaitingTerm;
    private (LeadershipChanged Change, IActorRef ReplyTo)? _recording;
    private long _latest;
    private int _readsInFlight;
    private int _vacuumsInFlight;
    private bool _stopRequested;
    private object? _inHand;
    private object? _received;
    private bool _inHandSettled;
    private long _lastActivity = Stopwatch.GetTimestamp();
    private bool _writeScheduled;

    /// <summary>Creates the actor for <paramref name="libraryId"/>; use <see cref="Props(Guid, SyncLogSettings)"/>.</summary>
    public LibrarySyncLogActor(Guid libraryId, SyncLogSettings settings)
    {
        _libraryId = libraryId;
        _settings = settings;
        _networked = ServedRequests.IsNetworked(Context.System);
        _filePath = SyncLogDb.PathFor(libraryId, settings.DataDir);
        Become(Recovering);
    }

    /// <summary>Props for the actor of <paramref name="libraryId"/>.</summary>
    public static Props Props(Guid libraryId, SyncLogSettings settings) =>
        Akka.Actor.Props.Create(() => new LibrarySyncLogActor(libraryId, settings)).WithMailbox(StopSafeMailbox.Id);

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    // An open still running, and the requests stashed until it ends, keep the library busy: passivating now would
    // answer them StorageFailure instead of serving them.
    private bool IsIdle => (_pipeline?.IsIdle ?? true) && _jobAwaitingFile is null && _jobAwaitingTerm is null && _recording is null && _openWaiters.Count == 0
                           && _opening is null && Stash.IsEmpty
                           && _readsInFlight == 0 && _vacuumsInFlight == 0 && _subscriptions.Count == 0 && _subscriptionReads == 0;

    /// <inheritdoc />
    protected override void PreStart()
    {
        // The previous incarnation (before a restart or a stop) may still have a write in flight: nothing is answered
        // here before its answers have left, so one sender's replies stay in order, and its file is closed by then.
        var self = Self;
        LibraryDrains.Get(Context.System).AfterDrained(_libraryId, () => self.Tell(PreviousIncarnationDrained.Instance));

        // After a restart the supervisor may be passivating this library; it answers with StopWhenIdle if so.
        Context.Parent.Tell(new LibraryStarted(_libraryId));
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        EndAllSubscriptions(SubscriptionEndReason.LibraryStopped, $"library {_libraryId:D} stopped; resubscribe after the last delivered sequence");
        AnswerEveryoneLeft($"library {_libraryId:D} stopped before it could answer");
        base.PostStop();
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        // Timer ticks (wrapped or not) carry the marker: they must not count as activity, or nothing would passivate.
        if (message is not INotInfluenceReceiveTimeout)
            _lastActivity = Stopwatch.GetTimestamp();

        // A request from this process comes wrapped, also when the stash or the supervisor hands it over again: the
        // handlers see the request alone, and the wrapper stays the current message (what Stash keeps).
        var local = false;
        var handled = message;
        if (message is LocalRequest wrapped)
        {
            if (!_trust.Vouches(wrapped))
            {
                Sender.Tell(LocalTrust.Forged(wrapped));
                return true;
            }

            local = true;
            handled = wrapped.Request;
        }

        _received = message;
        _inHand = handled;
        _inHandSettled = false;
        try
        {
            // Checked here as well as in the supervisor: a remote peer can name this actor's path and send past both
            // the gateway and the supervisor (Akka.Remote delivers to any local path, untrusted mode or not).
            if (handled is ILibraryRequest request
                && (ServedRequests.WriteRefusal(request, local, _settings, _networked)
                    ?? ServedRequests.LocalSubscriberOfPeer(request, local, _networked)) is { } refused)
            {
                Sender.Tell(refused);
                return true;
            }

            _seam.BeforeHandling?.Invoke(_libraryId, handled);
            var result = base.AroundReceive(receive, handled);
            _seam.AfterHandling?.Invoke(_libraryId, handled);
            return result;
        }
        catch (Exception e) when (handled is ILibraryRequest && !_inHandSettled)
        {
            // A bug in a handler: the request in hand was neither answered nor handed to anything that answers it
            // (pipeline, stash, waiters), so nobody else will. What is held is answered as the actor restarts.
            Sender.Tell(new StorageFailure(_libraryId, $"library {_libraryId:D} failed handling {handled.GetType().Name} and restarts: {e.Message}"));
            throw;
        }
        finally
        {
            _inHand = null;
            _received = null;
        }
    }

    // Every path that answers the request in hand, or hands it to something that will, says so: a handler that
    // throws after that point must not answer it a second time.
    private void Settle() => _inHandSettled = true;

    private void Reply(object reply)
    {
        Settle();
        Sender.Tell(reply);
    }

    private void StashRequest()
    {
        Settle();
        Stash.Stash();
    }

    // Passed on as it came: a request from this process keeps its wrapper, or the supervisor would judge it a peer's.
    private void ForwardToParent(object request)
    {
        Settle();
        Context.Parent.Forward(_received is LocalRequest wrapped && ReferenceEquals(wrapped.Request, request) ? wrapped : request);
    }

    // ---- Recovering: the previous incarnation drains, then leadership comes from the journal ----

    private void Recovering()
    {
        Receive<PreviousIncarnationDrained>(_ =>
        {
            // A read-only host neither writes nor owns leadership: it needs no journal.
            if (_settings.ReadOnly)
            {
                Self.Tell(new LeadershipRecovered(LeadershipState.None, 0));
            }
            else
            {
                _journal = Context.ActorOf(LeadershipJournal.Props(_libraryId, _settings), "leadership");
                Context.Watch(_journal);
            }
        });
        Receive<LeadershipRecovered>(recovered =>
        {
            var batching = new BatchSizer(_settings.MaxBatchSize, _settings.MaxBatchSizeHard, _settings.MaxBatchLatency,
                _settings.MaxBatchLatencyHard);
            _pipeline = new WritePipeline(_libraryId, _settings.DeviceId, batching, _settings.MaxPendingAppends,
                recovered.Leadership, recovered.HighestReplicatedTerm, (request, replyTo, reply) =>
                {
                    if (ReferenceEquals(request, _inHand))
                        Settle();
                    replyTo.Tell(reply);
                });
            BeginOpening();
        });
        HandleJournalFailure();
        ReceiveAny(_ => Stash.Stash());
    }

    // ---- Opening: an existing file is opened before anything is served; a missing one is only created on a write ----

    private void BeginOpening()
    {
        if (!File.Exists(_filePath))
        {
            BecomeReady();
            return;
        }

        OpenFile();
        Become(Opening);
    }

    private void OpenFile()
    {
        // One open at a time: a request during the locked-file retry wait and the retry timer would otherwise both
        // open, the loser failing on the winner's lock (and, on a stop, the winner's handle leaking past the drain).
        if (_opening is not null || _db is not null)
            return;
        Timers.Cancel(ReopenTimerKey);
        // The open (and the first read of the file) runs on a storage thread; the outcome comes back as a message.
        var incarnation = _incarnation;
        var dataDir = _settings.DataDir;
        var options = _settings.Storage;
        try
        {
            _opening = _io.Run(() => SyncLogDb.OpenAsync(_libraryId, dataDir, options));
        }
        catch (Exception e)
        {
            // Could not be started (a storage scheduler that stopped): reported like an open that failed.
            _opening = Task.FromException<SyncLogDb>(e);
        }

        _opening.ContinueWith(async t =>
            {
                var db = await t;
                try
                {
                    return (db, await db.LatestSequenceAsync());
                }
                catch
                {
                    // Reported as a failed open: the file must not stay locked by a database nobody holds.
                    await db.DisposeAsync();
                    throw;
                }
            }, TaskScheduler.Default).Unwrap()
            .PipeTo(Self, success: r => new FileOpened(incarnation, r.db, r.Item2), failure: e => new FileOpenFailed(incarnation, Unwrap(e)));
    }

    private void Opening()
    {
        Receive<FileOpened>(opened => opened.Incarnation == _incarnation, opened =>
        {
            Opened(opened);
            BecomeReady();
        });
        Receive<FileOpenFailed>(failed => failed.Incarnation == _incarnation, failed =>
        {
            _opening = null;
            if (!RetryIfLocked(failed))
                BecomeFailed(OpenFailureReason(failed.Cause));
        });
        Receive<ReopenLockedFile>(_ => OpenFile());
        HandleJournalFailure();
        ReceiveAny(_ => Stash.Stash());
    }

    private bool RetryIfLocked(FileOpenFailed failed)
    {
        if (failed.Cause is not SyncLogLockedException)
            return false;
        _lockedSince ??= DateTime.UtcNow;
        if (DateTime.UtcNow - _lockedSince > _settings.Storage.BusyTimeout)
            return false;
        Timers.StartSingleTimer(ReopenTimerKey, ReopenLockedFile.Instance, LockedRetryInterval);
        return true;
    }

    private void Opened(FileOpened opened)
    {
        _opening = null;
        _lockedSince = null;
        _db = opened.Db;
        _writer = _seam.For(_libraryId, new SyncLogDbWriter(opened.Db));
        _latest = opened.Latest;
        if (_settings.VacuumInterval > TimeSpan.Zero && !_settings.ReadOnly)
            Timers.StartPeriodicTimer(VacuumTimerKey, VacuumTick.Instance, _settings.VacuumInterval);
    }

    private string OpenFailureReason(Exception cause) =>
        cause is SyncLogOpenException or SyncLogLockedException or SyncLogSchemaException
            ? cause.Message
            : $"sync log '{_filePath}' could not be opened: {cause.Message}";

    // ---- Failed: answer everyone at once, retry (through passivation) after a while, never spin ----

    private void BecomeFailed(string reason)
    {
        _log.Error("Library {0}: {1}", _libraryId, reason);
        EndAllSubscriptions(SubscriptionEndReason.LibraryFailed, reason);
        Become(() => Failed(reason));
        AnswerEveryoneWaiting(reason);
        Timers.StartSingleTimer(RetryTimerKey, RetryAfterFailure.Instance, _settings.PassivateAfter);
        Stash.UnstashAll();
        // Asked to stop while an open was still running: that open has ended (it failed), nothing else holds it.
        StopIfRequestedAndIdle();
    }

    private void Failed(string reason)
    {
        var failure = new StorageFailure(_libraryId, reason);
        HandleCompletions();
        Receive<RetryAfterFailure>(_ => Context.Parent.Tell(new Passivate(_libraryId)));
        Receive<StopWhenIdle>(_ =>
        {
            _stopRequested = true;
            StopIfRequestedAndIdle();
        });
        Receive<ILibraryRequest>(request =>
        {
            // Behind a write still in flight, a write's refusal waits its turn so its sender's replies stay in order.
            if (_pipeline is { IsIdle: false } pipeline && request is Append or AppendBatch or Replicate or ResyncFrom)
            {
                pipeline.Submit(new PendingReply(request, Sender, failure));
                Settle();
            }
            else
                Reply(failure);
        });
        Receive<JournalFailed>(_ => { });
        Receive<Terminated>(_ => { });
        Receive<LeaderRecorded>(_ => { });
        Receive<LeaderNotRecorded>(_ => { });
        Receive<VacuumTick>(_ => { });
    }

    private void HandleJournalFailure()
    {
        Receive<JournalFailed>(failed => BecomeFailed(failed.Reason));
        Receive<Terminated>(t => t.ActorRef.Equals(_journal), _ =>
            BecomeFailed($"the leadership journal of library {_libraryId:D} stopped"));
    }

    // ---- Ready ----

    private void BecomeReady()
    {
        Become(Ready);
        Stash.UnstashAll();
    }

    private void Ready()
    {
        // Not Akka's receive timeout: it cancels and schedules a scheduler timer after every message (about 240 bytes
        // per append when pipelined). One timer, re-armed from the last activity, passivates at the same moment.
        Timers.StartSingleTimer(PassivationTimerKey, PassivationCheck.Instance, _settings.PassivateAfter);
        RefuseWritesWhenReadOnly();
        HandleLeadership();
        HandleWrites();
        HandleReads();
        HandleSubscriptions();
        HandleChainReads();
        HandleFollowers();
        HandleCompletions();
        HandleJournalFailure();

        Receive<PassivationCheck>(_ =>
        {
            var quiet = Stopwatch.GetElapsedTime(_lastActivity);
            if (quiet < _settings.PassivateAfter)
            {
                Timers.StartSingleTimer(PassivationTimerKey, PassivationCheck.Instance, _settings.PassivateAfter - quiet);
                return;
            }

            if (IsIdle)
                Context.Parent.Tell(new Passivate(_libraryId));
            Timers.StartSingleTimer(PassivationTimerKey, PassivationCheck.Instance, _settings.PassivateAfter);
        });
        Receive<StopWhenIdle>(_ =>
        {
            // With subscribers only when a subscribe raced the passivation request (a library with any never asks to
            // passivate) or when the supervisor closes it to free a slot under max-open-libraries while every open
            // library has subscribers; it already holds this library's new messages, so they end, resumable.
            _stopRequested = true;
            EndAllSubscriptions(SubscriptionEndReason.LibraryStopped, $"library {_libraryId:D} passivated; resubscribe after the last delivered sequence");
            StopIfRequestedAndIdle();
        });
    }

    // Registered first, so these handlers win over the writing ones in a read-only host.
    private void RefuseWritesWhenReadOnly()
    {
        if (!_settings.ReadOnly)
            return;
        var refusal = new InvalidRequest(_libraryId, "this host is read-only (synclog.read-only = on); it serves reads only");
        Receive<Append>(_ => Reply(refusal));
        Receive<AppendBatch>(_ => Reply(refusal));
        Receive<Replicate>(_ => Reply(refusal));
        Receive<ResyncFrom>(_ => Reply(refusal));
        // A dry run only reads: served by the reading handlers.
        Receive<VacuumOldEntries>(v => !v.DryRun, _ => Reply(refusal));
        Receive<LeadershipChanged>(_ => Reply(refusal));
        Receive<GetLeadership>(_ => Reply(refusal));
        Receive<OpenLibrary>(_ => Reply(refusal));
        Receive<AcknowledgeReplicated>(_ => Reply(refusal));
        Receive<ForgetFollower>(_ => Reply(refusal));
        Receive<LearnFollowers>(_ => Reply(refusal));
        // Another process appends: the latest sequence comes from the file, not from memory.
        Receive<GetLatestSequence>(_ => Read(db => db.LatestSequenceAsync(), latest => new LatestSequence(_libraryId, latest)));
    }

    private void StopIfRequestedAndIdle()
    {
        if (_stopRequested && IsIdle)
            Context.Stop(Self);
    }

    // Every request this incarnation still holds gets exactly one answer; the write in flight gets its real outcome
    // when it ends, and the file is closed only then.
    private void AnswerEveryoneLeft(string reason)
    {
        var failure = new StorageFailure(_libraryId, reason);
        foreach (var envelope in Stash.ClearStash())
        {
            if (LocalTrust.RequestIn(envelope.Message) is not null)
                envelope.Sender.Tell(failure);
        }

        AnswerEveryoneWaiting(reason);

        // A job handed out but never started (a handler failed in between) would hold its senders forever.
        if (_writeTask is null && _pipeline?.InFlight is { } neverStarted)
            _pipeline.Complete(neverStarted.Id, new WriteResult.Failed(reason));

        // The file is closed only once no read, vacuum or write of ours still runs on it (closing under them
        // would strand them); the write in flight is then answered with its real outcome.
        var db = _db;
        _db = null;
        var write = _writeTask;
        var inFlight = _pipeline?.InFlight;
        var pipeline = _pipeline;
        // An open still in flight must not leak its file lock, and the next incarnation waits until it is closed
        // (else its own open would find the lock held and fail after the busy timeout).
        var openClosed = _opening?.ContinueWith(
            t => t.Status == TaskStatus.RanToCompletion ? t.Result.DisposeAsync().AsTask() : Task.CompletedTask,
            TaskScheduler.Default).Unwrap();
        _opening = null;
        if (write is null && _pendingIo.Count == 0 && openClosed is null)
        {
            // Nothing runs on the file: closed before the supervisor learns this actor is gone.
            db?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        else
        {
            var drained = Task.WhenAll(_pendingIo.Append(write ?? Task.CompletedTask).Append(openClosed ?? Task.CompletedTask)).ContinueWith(_ =>
            {
                // Close first: whoever reacts to the answers may open the file again at once.
                db?.DisposeAsync().AsTask().GetAwaiter().GetResult();
                if (write is not null && inFlight is not null)
                    pipeline!.Complete(inFlight.Id, write.Result);
            }, TaskScheduler.Default);
            LibraryDrains.Get(Context.System).Draining(_libraryId, drained);
        }
    }

    // Everything waiting for this incarnation (queued writes and late joiners, jobs held before they ran, leadership
    // changes, opens) gets its StorageFailure; the write in flight keeps its real outcome, and what waited behind it is
    // answered after it (see WritePipeline.AbandonWaiting).
    private void AnswerEveryoneWaiting(string reason)
    {
        var failure = new StorageFailure(_libraryId, reason);
        _pipeline?.AbandonWaiting(reason);
        FailJobsWaiting(reason);
        if (_recording is { } recording)
            recording.ReplyTo.Tell(failure);
        _recording = null;
        while (_leadershipWaiting.TryDequeue(out var waiting))
            waiting.ReplyTo.Tell(failure);
        foreach (var waiter in _openWaiters)
            waiter.Tell(failure);
        _openWaiters.Clear();
    }

    // A job held before it runs (for the file to be created, or for its page's term to be persisted) never ran:
    // it fails like a write that stored nothing.
    private void FailJobsWaiting(string reason)
    {
        if (_jobAwaitingFile is { } job)
            _pipeline!.Complete(job.Id, new WriteResult.Failed(reason));
        _jobAwaitingFile = null;
        if (_jobAwaitingTerm is { } page)
            _pipeline!.Complete(page.Id, new WriteResult.Failed(reason));
        _jobAwaitingTerm = null;
    }

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : e;
}
