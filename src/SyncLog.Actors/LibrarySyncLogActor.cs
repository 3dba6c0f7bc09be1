using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// Owns one library's <see cref="SyncLogDb"/>. Recovers the library's leadership from the journal, opens the file
/// (stashing requests meanwhile), then serializes appends through group commit so sequences are strictly monotonic,
/// serves reads on the read connection concurrently, answers the latest sequence from memory and passivates when idle.
/// </summary>
public sealed class LibrarySyncLogActor : ReceivePersistentActor, IWithTimers
{
    private const string VacuumTimerKey = "auto-vacuum";

    private readonly Guid _libraryId;
    private readonly SyncLogSettings _settings;
    private readonly WriteQueue _writes = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DedicatedThreadScheduler _io = StorageIo.Get(Context.System).Scheduler;
    private LeadershipState _leadership = LeadershipState.None;
    private SyncLogDb? _db;
    private Task<SyncLogDb>? _opening;
    private long _latest;
    private bool _writing;
    private int _readsInFlight;
    private int _vacuumsInFlight;
    private bool _stopRequested;
    private readonly List<(IActorRef ReplyTo, LeadershipAck Ack)> _acksAfterWrite = [];
    private LateJoiners? _lateJoiners;

    /// <summary>Creates the actor for <paramref name="libraryId"/>; use <see cref="Props(Guid, SyncLogSettings)"/>.</summary>
    public LibrarySyncLogActor(Guid libraryId, SyncLogSettings settings)
    {
        _libraryId = libraryId;
        _settings = settings;
        JournalPluginId = settings.JournalPluginId;
        SnapshotPluginId = settings.SnapshotPluginId;

        Recover<LeaderElected>(e => _leadership = _leadership.Apply(e));
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is LeadershipState state)
                _leadership = state;
        });
        Recover<RecoveryCompleted>(_ => BeginOpening());
        CommandAny(_ => Stash.Stash());
    }

    /// <summary>Props for the actor of <paramref name="libraryId"/>.</summary>
    public static Props Props(Guid libraryId, SyncLogSettings settings) =>
        Akka.Actor.Props.Create(() => new LibrarySyncLogActor(libraryId, settings));

    /// <inheritdoc />
    public override string PersistenceId => $"synclog-leadership-{_libraryId:D}";

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    private bool IsIdle => !_writing && _writes.Count == 0 && _readsInFlight == 0 && _vacuumsInFlight == 0;

    /// <inheritdoc />
    protected override void PostStop()
    {
        CloseDatabase();
        base.PostStop();
    }

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Sender.Tell(new StorageFailure(_libraryId, $"leadership could not be persisted: {cause.Message}"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Sender.Tell(new StorageFailure(_libraryId, $"leadership was rejected by the journal: {cause.Message}"));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    // ---- Opening ----

    private void BeginOpening()
    {
        // The open runs on a storage thread; its outcome comes back as a message so state only changes in here.
        _opening = _io.Run(() => SyncLogDb.OpenAsync(_libraryId, _settings.DataDir, _settings.Storage));
        _opening.PipeTo(Self, success: db => new DbOpened(db), failure: e => new DbOpenFailed(e));
        Become(Opening);
    }

    private void Opening()
    {
        Command<DbOpened>(opened =>
        {
            _opening = null;
            _db = opened.Db;
            _latest = opened.Db.LatestSequenceAsync().GetAwaiter().GetResult();
            Become(Ready);
            if (_settings.VacuumInterval > TimeSpan.Zero && !_settings.ReadOnly)
                Timers.StartPeriodicTimer(VacuumTimerKey, VacuumTick.Instance, _settings.VacuumInterval);
            Stash.UnstashAll();
        });
        Command<DbOpenFailed>(failed =>
        {
            _opening = null;
            var reason = failed.Cause is SyncLogOpenException ? failed.Cause.Message : $"sync log could not be opened: {failed.Cause.Message}";
            _log.Error(failed.Cause, "Library {0}: {1}", _libraryId, reason);
            Become(() => Failed(reason));
            Stash.UnstashAll();
        });
        CommandAny(_ => Stash.Stash());
    }

    // ---- Failed: the file could not be opened; answer everyone at once, retry after passivation ----

    private void Failed(string reason)
    {
        Context.SetReceiveTimeout(_settings.PassivateAfter);
        RefuseWritesWhenReadOnly();
        HandleLeadership();
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(_libraryId)));
        Command<StopWhenIdle>(_ => Context.Stop(Self));
        Command<ILibraryRequest>(_ => Sender.Tell(new StorageFailure(_libraryId, reason)));
    }

    // ---- Ready ----

    private void Ready()
    {
        Context.SetReceiveTimeout(_settings.PassivateAfter);
        RefuseWritesWhenReadOnly();
        HandleLeadership();

        Command<Append>(append => EnqueueAppend(append, [append.Entry], append.ExpectedTerm, isBatch: false));
        Command<AppendBatch>(batch => EnqueueAppend(batch, batch.Entries, batch.ExpectedTerm, isBatch: true));
        Command<Replicate>(EnqueueReplicate);
        Command<ResyncFrom>(EnqueueResync);
        Command<GetLatestSequence>(_ => Sender.Tell(new LatestSequence(_libraryId, _latest)));

        Command<FetchSince>(f => Read(db => db.FetchSinceAsync(f.Sequence, f.Limit), r => new Fetched(_libraryId, r)));
        Command<FetchByDevice>(f => Read(db => db.FetchByDeviceAsync(f.DeviceId, f.SinceSequence, f.Limit), Found));
        Command<FetchByRecord>(f => Read(db => db.FetchByRecordAsync(f.ModelType, f.RecordId, f.Limit), Found));
        Command<FetchByTimeRange>(f => Read(db => db.FetchByTimeRangeAsync(f.From, f.To, f.Limit), Found));
        Command<GetStats>(_ => Read(db => db.StatsAsync(), s => new Stats(_libraryId, s)));
        Command<VacuumOldEntries>(v => Vacuum(v.Before, Sender));
        Command<VacuumTick>(_ =>
        {
            if (_vacuumsInFlight == 0)
                Vacuum(DateTimeOffset.UtcNow - _settings.Retention, replyTo: null);
        });

        Command<AppendsCommitted>(OnAppendsCommitted);
        Command<ReplicationDone>(OnReplicationDone);
        Command<ResyncDone>(OnResyncDone);
        Command<WriteFailed>(OnWriteFailed);
        Command<ReadDone>(done =>
        {
            _readsInFlight--;
            done.ReplyTo.Tell(done.Reply);
            StopIfRequestedAndIdle();
        });
        Command<VacuumDone>(done =>
        {
            _vacuumsInFlight--;
            if (done.Removed > 0)
                _log.Info("Library {0}: vacuum removed {1} entries", _libraryId, done.Removed);
            done.ReplyTo?.Tell(done.Reply);
            StopIfRequestedAndIdle();
        });

        Command<ReceiveTimeout>(_ =>
        {
            if (IsIdle)
                Context.Parent.Tell(new Passivate(_libraryId));
        });
        Command<StopWhenIdle>(_ =>
        {
            _stopRequested = true;
            StopIfRequestedAndIdle();
        });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => _log.Warning("Library {0}: leadership snapshot failed: {1}", _libraryId, f.Cause.Message));
    }

    // Registered first, so these handlers win over the writing ones in a read-only host.
    private void RefuseWritesWhenReadOnly()
    {
        if (!_settings.ReadOnly)
            return;
        var refusal = new InvalidRequest(_libraryId, "this host is read-only (synclog.read-only = on); it serves reads only");
        Command<Append>(_ => Sender.Tell(refusal));
        Command<AppendBatch>(_ => Sender.Tell(refusal));
        Command<Replicate>(_ => Sender.Tell(refusal));
        Command<ResyncFrom>(_ => Sender.Tell(refusal));
        Command<VacuumOldEntries>(_ => Sender.Tell(refusal));
        Command<LeadershipChanged>(_ => Sender.Tell(refusal));
        Command<GetLeadership>(_ => Sender.Tell(refusal));
        // Another process appends: the latest sequence comes from the file, not from memory.
        Command<GetLatestSequence>(_ => Read(db => db.LatestSequenceAsync(), latest => new LatestSequence(_libraryId, latest)));
    }

    private void HandleLeadership()
    {
        Command<GetLeadership>(_ => Sender.Tell(new Leadership(_libraryId, _leadership.LeaderDeviceId, _leadership.Term,
            _leadership.IsLedBy(_settings.DeviceId))));
        Command<LeadershipChanged>(change =>
        {
            if (string.IsNullOrWhiteSpace(change.LeaderDeviceId) || change.Term < 1)
            {
                Sender.Tell(new InvalidRequest(_libraryId, $"leadership needs a leader device id and a term of at least 1, got '{change.LeaderDeviceId}' at term {change.Term}"));
                return;
            }

            switch (_leadership.Judge(change.LeaderDeviceId, change.Term))
            {
                case LeadershipDecision.Current:
                    Sender.Tell(new LeadershipAck(_libraryId, change.Term));
                    break;
                case LeadershipDecision.Stale:
                    Sender.Tell(new StaleTerm(_libraryId, change.Term, _leadership.Term, _leadership.LeaderDeviceId));
                    break;
                case LeadershipDecision.Newer:
                    Persist(new LeaderElected(change.LeaderDeviceId, change.Term), elected =>
                    {
                        _leadership = _leadership.Apply(elected);
                        if (LastSequenceNr % _settings.SnapshotEvery == 0)
                            SaveSnapshot(_leadership);
                        _log.Info("Library {0}: {1} leads from term {2}", _libraryId, elected.LeaderDeviceId, elected.Term);
                        // A write started under the old term may still commit; the ack waits for it, so nothing of
                        // the old term commits after the ack. Writes still queued are judged by the new term.
                        var ack = new LeadershipAck(_libraryId, elected.Term);
                        if (_writing)
                            _acksAfterWrite.Add((Sender, ack));
                        else
                            Sender.Tell(ack);
                        WriteNext();
                    });
                    break;
            }
        });
    }

    // ---- Writes: group commit ----

    private void EnqueueAppend(object request, IReadOnlyList<NewSyncLogEntry>? entries, long? expectedTerm, bool isBatch)
    {
        if (_stopRequested)
        {
            Context.Parent.Forward(request);
            return;
        }

        var refusal = RefuseAppend(expectedTerm) ?? Validate(entries, isBatch);
        var pending = _writes.PendingAppendEntries + (_lateJoiners?.WaitingEntries ?? 0);
        if (refusal is null && pending >= _settings.MaxPendingAppends)
            refusal = new Overloaded(_libraryId, pending);

        if (refusal is not null && !_writing && _writes.Count == 0)
        {
            Sender.Tell(refusal);
            return;
        }

        if (refusal is not null)
        {
            _writes.Enqueue(new PendingReply(request, Sender, refusal));
            WriteNext();
            return;
        }

        var append = new PendingAppend(request, Sender, entries!, expectedTerm, isBatch);
        // While a group is being written, an append with nothing queued ahead of it may still join that transaction.
        if (_writes.Count == 0 && _lateJoiners is { } late && late.TryAdd(append))
            return;
        _writes.Enqueue(append);
        WriteNext();
    }

    // Checked one request at a time, so a bad entry is refused alone and never fails a group it would have joined.
    private InvalidRequest? Validate(IReadOnlyList<NewSyncLogEntry>? entries, bool isBatch)
    {
        try
        {
            if (isBatch)
                EntryValidator.ValidateBatch(entries, nameof(AppendBatch.Entries));
            else
                EntryValidator.Validate(entries?[0], nameof(Append.Entry));
            return null;
        }
        catch (ArgumentException e)
        {
            return new InvalidRequest(_libraryId, EntryValidator.ReasonOf(e));
        }
    }

    private void EnqueueReplicate(Replicate replicate) =>
        EnqueueFollowerWrite(replicate, "replicate",
            () => EntryValidator.ValidateReplicated(replicate.Entries, nameof(Replicate.Entries)),
            () => new PendingReplicate(replicate, Sender));

    private void EnqueueResync(ResyncFrom resync) =>
        EnqueueFollowerWrite(resync, "resync",
            () => EntryValidator.RequireSequence(resync.Sequence, nameof(ResyncFrom.Sequence)),
            () => new PendingResync(resync, Sender));

    // Replicate and ResyncFrom: writes only a follower may make (on the leader they would clash with or skip the
    // sequences it assigns), each run alone on the write connection.
    private void EnqueueFollowerWrite(object request, string verb, Action validate, Func<PendingWrite> pending)
    {
        if (_stopRequested)
        {
            Context.Parent.Forward(request);
            return;
        }

        if (_leadership.IsLedBy(_settings.DeviceId))
        {
            Sender.Tell(new InvalidRequest(_libraryId, $"this device leads the library at term {_leadership.Term}; only followers {verb}"));
            return;
        }

        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            Sender.Tell(new InvalidRequest(_libraryId, EntryValidator.ReasonOf(e)));
            return;
        }

        _writes.Enqueue(pending());
        WriteNext();
    }

    private void WriteNext()
    {
        while (!_writing && _db is not null)
        {
            var group = _writes.TakeNext(_settings.MaxBatchSize);
            if (group.Count == 0)
            {
                StopIfRequestedAndIdle();
                return;
            }

            if (group is [PendingReplicate replicate])
            {
                _writing = true;
                var db = _db;
                _io.Run(() => db.ReplicateAsync(replicate.Replication.Entries))
                    .PipeTo(Self, success: r => new ReplicationDone(replicate, r), failure: e => new WriteFailed(group, e));
                return;
            }

            if (group is [PendingResync pendingResync])
            {
                _writing = true;
                var db = _db;
                _io.Run(() => db.ResyncFromAsync(pendingResync.Resync.Sequence))
                    .PipeTo(Self, success: marks => new ResyncDone(pendingResync, marks), failure: e => new WriteFailed(group, e));
                return;
            }

            // Leadership may have moved since these were queued: what is no longer allowed is refused, not written.
            var replies = new object?[group.Count];
            var entries = new List<NewSyncLogEntry>();
            for (var i = 0; i < group.Count; i++)
            {
                if (group[i] is PendingReply pending)
                    replies[i] = pending.Reply;
                else if (group[i] is PendingAppend append && (replies[i] = RefuseAppend(append.ExpectedTerm)) is null)
                    entries.AddRange(append.Entries);
            }

            if (entries.Count == 0)
            {
                Answer(group, replies, sequences: null, failure: null);
                continue;
            }

            _writing = true;
            var target = _db;
            var late = _lateJoiners = new LateJoiners();
            var cap = _settings.MaxBatchSize;
            _io.Run(() => target.AppendValidatedBatchAsync(entries, late.Take, Math.Max(cap, entries.Count))).PipeTo(Self,
                success: s => new AppendsCommitted(group, replies, s),
                failure: e => new WriteFailed(group, e, replies));
            return;
        }
    }

    private void OnAppendsCommitted(AppendsCommitted committed)
    {
        _writing = false;
        _latest = committed.Sequences[^1];
        var (group, replies) = WithLateJoiners(committed.Group, committed.Replies);
        Answer(group, replies, committed.Sequences, failure: null);
        ResumeAfterWrite();
    }

    // The appends that joined the transaction follow its group (they arrived later); those that did not go back
    // to the front of the queue, ahead of anything that arrived after them.
    private (IReadOnlyList<PendingWrite> Group, object?[] Replies) WithLateJoiners(IReadOnlyList<PendingWrite> group, object?[] replies)
    {
        if (_lateJoiners is not { } late)
            return (group, replies);
        _lateJoiners = null;
        var (joined, left) = late.Close();
        _writes.PrependRange(left);
        if (joined.Count == 0)
            return (group, replies);
        return ([.. group, .. joined], [.. replies, .. new object?[joined.Count]]);
    }

    // Answers a group in arrival order: refusals as decided, accepted appends with their slice of the
    // group's contiguous sequences (or the failure when the transaction failed).
    private void Answer(IReadOnlyList<PendingWrite> group, object?[] replies, IReadOnlyList<long>? sequences, object? failure)
    {
        var offset = 0;
        for (var i = 0; i < group.Count; i++)
        {
            if (replies[i] is { } decided)
            {
                group[i].ReplyTo.Tell(decided);
                continue;
            }

            var append = (PendingAppend)group[i];
            if (sequences is null)
                append.ReplyTo.Tell(failure);
            else if (append.IsBatch)
                append.ReplyTo.Tell(new BatchAppended(_libraryId, sequences.Skip(offset).Take(append.Entries.Count).ToArray()));
            else
                append.ReplyTo.Tell(new Appended(_libraryId, sequences[offset]));
            offset += append.Entries.Count;
        }
    }

    private void OnReplicationDone(ReplicationDone done)
    {
        _writing = false;
        _latest = done.Result.LatestSequence;
        done.Write.ReplyTo.Tell(done.Result.Outcome == ReplicationOutcome.Applied
            ? new Replicated(_libraryId, done.Result.LatestSequence)
            : new ReplicationRefused(_libraryId, done.Result.LatestSequence, done.Result.Outcome, done.Result.ConflictingSequence));
        ResumeAfterWrite();
    }

    private void OnResyncDone(ResyncDone done)
    {
        _writing = false;
        _latest = done.Marks.Latest;
        done.Write.ReplyTo.Tell(new Resynced(_libraryId, done.Marks.Latest, done.Marks.VacuumedThrough));
        ResumeAfterWrite();
    }

    private void OnWriteFailed(WriteFailed failed)
    {
        _writing = false;
        var failure = new StorageFailure(_libraryId, $"write failed, nothing of it was stored: {failed.Cause.Message}");
        var (group, replies) = WithLateJoiners(failed.Group, failed.Replies ?? new object?[failed.Group.Count]);
        Answer(group, replies, sequences: null, failure);

        ReleaseAcks();
        // Writes still waiting go into the stash, which a persistent actor puts back at the front of its mailbox on
        // restart: the restarted actor (with a freshly opened file) serves them before anything newer, so each
        // sender's replies stay in order. Only the failed group is answered with the failure.
        Stash.Prepend(_writes.DrainAll().Select(w => new Envelope(w.Request, w.ReplyTo)));
        throw new SyncLogWriteException(_libraryId, failed.Cause);
    }

    private void ResumeAfterWrite()
    {
        ReleaseAcks();
        WriteNext();
    }

    private void ReleaseAcks()
    {
        foreach (var (replyTo, ack) in _acksAfterWrite)
            replyTo.Tell(ack);
        _acksAfterWrite.Clear();
    }

    private object? RefuseAppend(long? expectedTerm)
    {
        if (!_leadership.IsLedBy(_settings.DeviceId))
            return new NotLeader(_libraryId, _leadership.LeaderDeviceId, _leadership.Term);
        if (expectedTerm is { } term && term != _leadership.Term)
            return new StaleTerm(_libraryId, term, _leadership.Term, _leadership.LeaderDeviceId);
        return null;
    }

    // ---- Reads and vacuum: concurrent with writes, answered through this actor so it knows when it is idle ----

    private void Read<T>(Func<SyncLogDb, Task<T>> read, Func<T, object> toReply)
    {
        var db = _db!;
        var replyTo = Sender;
        _readsInFlight++;
        Task.Run(() => read(db)).PipeTo(Self,
            success: result => new ReadDone(replyTo, toReply(result)),
            failure: e => new ReadDone(replyTo, Refusal(e)));
    }

    private EntriesFound Found(IReadOnlyList<SyncLogEntry> entries) => new(_libraryId, entries);

    private void Vacuum(DateTimeOffset before, IActorRef? replyTo)
    {
        var db = _db!;
        _vacuumsInFlight++;
        Task.Run(() => db.VacuumOldEntriesAsync(before)).PipeTo(Self,
            success: removed => new VacuumDone(replyTo, removed, new Vacuumed(_libraryId, removed)),
            failure: e => new VacuumDone(replyTo, 0, Refusal(e)));
    }

    private object Refusal(Exception e)
    {
        var cause = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e;
        return cause is ArgumentException argument
            ? new InvalidRequest(_libraryId, EntryValidator.ReasonOf(argument))
            : new StorageFailure(_libraryId, cause.Message);
    }

    private void StopIfRequestedAndIdle()
    {
        if (_stopRequested && IsIdle)
            Context.Stop(Self);
    }

    private void CloseDatabase()
    {
        _db?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _db = null;
        // An open still in flight when we stop must not leak its file lock.
        _opening?.ContinueWith(t => t.Result.DisposeAsync().AsTask(), TaskContinuationOptions.OnlyOnRanToCompletion);
        _opening = null;
    }

    private sealed record DbOpened(SyncLogDb Db);

    private sealed record DbOpenFailed(Exception Cause);

    private sealed record AppendsCommitted(IReadOnlyList<PendingWrite> Group, object?[] Replies, IReadOnlyList<long> Sequences);

    private sealed record ReplicationDone(PendingReplicate Write, ReplicationResult Result);

    private sealed record ResyncDone(PendingResync Write, (long Latest, long VacuumedThrough) Marks);

    private sealed record WriteFailed(IReadOnlyList<PendingWrite> Group, Exception Cause, object?[]? Replies = null);

    private sealed record ReadDone(IActorRef ReplyTo, object Reply);

    private sealed record VacuumDone(IActorRef? ReplyTo, int Removed, object Reply);

    // Timer ticks must not count as activity, or an open library would never passivate.
    private sealed record VacuumTick : INotInfluenceReceiveTimeout
    {
        public static VacuumTick Instance { get; } = new();
    }
}
