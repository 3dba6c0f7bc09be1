using Akka.Actor;
using Akka.Event;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors;

// Writes: input checked here, at the edge; ordering, leadership judgement and answers in the WritePipeline; each job
// run on a storage thread, its outcome piped back tagged with this incarnation and the job's id.
public sealed partial class LibrarySyncLogActor
{
    private void HandleWrites()
    {
        Receive<Append>(append => SubmitAppend(append, [append.Entry], append.ExpectedTerm, isBatch: false));
        Receive<AppendBatch>(batch => SubmitAppend(batch, batch.Entries, batch.ExpectedTerm, isBatch: true));
        Receive<Replicate>(replicate => SubmitFollowerWrite(replicate, () =>
        {
            if (replicate.LeaderTerm < 1 || replicate.LeaderTerm > EntryValidator.MaxSequence)
                throw new ArgumentException(
                    $"leader term must be at least 1 and at most {EntryValidator.MaxSequence} (2^53-1), got {replicate.LeaderTerm}",
                    nameof(Replicate.LeaderTerm));
            // Prepared here, on this actor's thread, so the storage thread only links the set to the head and inserts.
            return new PendingReplicate(replicate, Sender, SyncLogDb.PrepareReplication(replicate.Entries));
        }));
        Receive<ResyncFrom>(resync => SubmitFollowerWrite(resync, () =>
        {
            EntryValidator.RequireSequence(resync.Sequence, nameof(ResyncFrom.Sequence));
            return new PendingResync(resync, Sender);
        }));
        Receive<OpenLibrary>(open =>
        {
            if (_stopRequested)
            {
                ForwardToParent(open);
            }
            else if (_db is not null)
            {
                Reply(new LibraryOpened(_libraryId, _latest));
            }
            else
            {
                _openWaiters.Add(Sender);
                Settle();
                if (_opening is null)
                    OpenFile();
            }
        });
    }

    private void SubmitAppend(object request, IReadOnlyList<NewSyncLogEntry>? entries, long? expectedTerm, bool isBatch)
    {
        if (_stopRequested)
        {
            ForwardToParent(request);
            return;
        }

        // Checked one request at a time, so a bad entry is refused alone and never fails a group it would have joined.
        // (No lambda through Invalid here: this runs for every append.)
        InvalidRequest? invalid = null;
        try
        {
            if (isBatch)
                EntryValidator.ValidateBatch(entries, nameof(AppendBatch.Entries));
            else
                EntryValidator.Validate(entries?[0], nameof(Append.Entry));
        }
        catch (ArgumentException e)
        {
            invalid = new InvalidRequest(_libraryId, EntryValidator.ReasonOf(e));
        }

        if (invalid is not null)
        {
            _pipeline!.Submit(new PendingReply(request, Sender, invalid));
        }
        else
        {
            var prepared = Prepare(entries!, out var guessedBefore);
            // Refused as overloaded, the append is never written: the guess goes back to before it.
            if (!_pipeline!.Submit(new PendingAppend(request, Sender, prepared, expectedTerm, isBatch)))
                _chain.Reset(guessedBefore.Latest, guessedBefore.Head);
        }

        Settle();
        WriteAfterMailbox();
    }

    // Encoded and chained here, on this actor's thread, onto where the log will be once everything before it is
    // written, so the writer's thread only checks each link and inserts. With nothing queued or running, the guess
    // starts over from the file's own tip. A guess that breaks (a refusal, a retried key, a failed write) never gives
    // a wrong checksum: the writer links those entries itself. `guessedBefore` is the guess before these entries.
    private IReadOnlyList<NewSyncLogEntry> Prepare(IReadOnlyList<NewSyncLogEntry> entries,
        out (long Latest, SyncLogChecksum Head) guessedBefore)
    {
        guessedBefore = _chain.Tip;
        if (_db is not { } db || !_pipeline!.Leadership.IsLedBy(_settings.DeviceId))
            return entries;
        if (_pipeline.IsIdle)
        {
            var (latest, head) = db.ChainTip;
            _chain.Reset(latest, head);
            _guessBroken = false;
            _relinkedSeen = db.RelinkedEntries;
            guessedBefore = _chain.Tip;
        }
        else if (_guessBroken)
        {
            // Every entry chained on a broken guess would be hashed twice (here, then by the writer): until the guess
            // can start over, appends go as they came and the writer chains them.
            return entries;
        }

        return _chain.Prepare(entries);
    }

    // After each write: a failed one, or one whose writer had to relink prepared entries, broke the guess.
    private void NoteGuess(WriteResult result)
    {
        if (_db is not { } db)
            return;
        var relinked = db.RelinkedEntries;
        if (result is WriteResult.Failed || relinked != _relinkedSeen)
            _guessBroken = true;
        _relinkedSeen = relinked;
    }

    // With no job running this append would start one alone. Started after the messages already in the mailbox, the
    // job takes the appends among them too, for the price of one message to self: producers answered all at once
    // by a commit send again all at once, and would otherwise get a one-row transaction (a whole fsync) and then the rest.
    private void WriteAfterMailbox()
    {
        if (_writeTask is not null || _writeScheduled)
            return;
        _writeScheduled = true;
        Self.Tell(new WriteQueued(_incarnation));
    }

    private void OnWriteQueued(WriteQueued queued)
    {
        if (queued.Incarnation != _incarnation)
            return;
        _writeScheduled = false;
        WriteNext();
    }

    // Replicate and ResyncFrom: the follower-only check runs when the write is judged (see WritePipeline.NextJob).
    // checkAndBuild throws ArgumentException for a request to refuse, and otherwise builds the write to queue.
    private void SubmitFollowerWrite(object request, Func<PendingWrite> checkAndBuild)
    {
        if (_stopRequested)
        {
            ForwardToParent(request);
            return;
        }

        PendingWrite write;
        try
        {
            write = checkAndBuild();
        }
        catch (ArgumentException e)
        {
            write = new PendingReply(request, Sender, new InvalidRequest(_libraryId, EntryValidator.ReasonOf(e)));
        }

        _pipeline!.Submit(write);
        Settle();
        WriteNext();
    }

    private InvalidRequest? Invalid(Action validate)
    {
        try
        {
            validate();
            return null;
        }
        catch (ArgumentException e)
        {
            return new InvalidRequest(_libraryId, EntryValidator.ReasonOf(e));
        }
    }

    private void WriteNext()
    {
        if (_pipeline is null || _writeTask is not null || _jobAwaitingFile is not null || _jobAwaitingTerm is not null)
            return;
        var job = _pipeline.NextJob();
        if (job is null)
        {
            StopIfRequestedAndIdle();
            return;
        }

        Start(job);
    }

    private void Start(WriteJob job)
    {
        // A page of a newer leader term is applied only once that term is durable: a crash right after the page
        // must not forget it, or a deposed leader's page could be accepted later.
        if (job is ReplicateJob page && page.Term > _pipeline!.HighestReplicatedTerm && _journal is not null)
        {
            _jobAwaitingTerm = page;
            _journal.Tell(new RecordReplicatedTerm(page.Term));
            return;
        }

        // The file of a never-written library is created only now: the write has passed the leadership judgement.
        if (_writer is null)
        {
            _jobAwaitingFile = job;
            if (_opening is null)
                OpenFile();
            return;
        }

        Run(job);
    }

    private void Run(WriteJob job)
    {
        var writer = _writer!;
        var incarnation = _incarnation;
        Task<WriteResult> write;
        try
        {
            write = Begin(job, writer);
        }
        catch (Exception e)
        {
            // The job could not even be started (a storage scheduler that stopped): it stored nothing and fails like
            // any write, so its senders are answered and the next job may run.
            write = Task.FromException<WriteResult>(e);
        }

        _writeTask = write.ContinueWith(t => t.IsCompletedSuccessfully
            ? t.Result
            : new WriteResult.Failed(t.Exception is { } e ? Unwrap(e).Message : "the write was cancelled"), TaskScheduler.Default);
        _writeTask.PipeTo(Self, success: result => new WriteDone(incarnation, job.Id, result));
    }

    // Starts the job on a storage thread; throws only if it cannot be started at all.
    private Task<WriteResult> Begin(WriteJob job, ILogWriter writer) => job switch
    {
        AppendJob append => _io.Run<WriteResult>(async () =>
        {
            var sequences = await writer.AppendAsync(append.Entries, append.Late.Take, append.Late.Cap);
            // Not sequences[^1]: a retried idempotency key gets the sequence it was first given.
            return new WriteResult.Committed(sequences, await writer.LatestSequenceAsync());
        }),
        ReplicateJob replicate => _io.Run<WriteResult>(async () =>
            new WriteResult.Replicated(await writer.ReplicateAsync(replicate.Write.Prepared))),
        ResyncJob resync => _io.Run<WriteResult>(async () =>
        {
            var (latest, vacuumedThrough) = await writer.ResyncFromAsync(resync.Write.Resync.Sequence, resync.Write.Resync.Checksum);
            return new WriteResult.Resynced(latest, vacuumedThrough);
        }),
        _ => throw new InvalidOperationException($"unknown write job {job.GetType().Name}"),
    };

    private void OnReplicatedTermRecorded(ReplicatedTermRecorded recorded)
    {
        if (_jobAwaitingTerm is not { } page || page.Term != recorded.Term)
            return;
        _jobAwaitingTerm = null;
        _pipeline!.ObserveReplicatedTerm(recorded.Term);
        Start(page);
    }

    private void OnReplicatedTermNotRecorded(ReplicatedTermNotRecorded refused)
    {
        if (_jobAwaitingTerm is not { } page || page.Term != refused.Term)
            return;
        _jobAwaitingTerm = null;
        _log.Warning("Library {0}: replicated term {1} not recorded, page answered StorageFailure: {2}", _libraryId, refused.Term, refused.Reason);
        _pipeline!.Complete(page.Id, new WriteResult.Failed(refused.Reason));
        WriteNext();
        StopIfRequestedAndIdle();
    }

    private void OnWriteDone(WriteDone done)
    {
        if (done.Incarnation != _incarnation || _pipeline is null)
            return;
        _writeTask = null;
        switch (done.Result)
        {
            case WriteResult.Committed committed:
                _latest = committed.Latest;
                break;
            case WriteResult.Replicated replicated:
                _latest = replicated.Result.LatestSequence;
                break;
            case WriteResult.Resynced resynced:
                _latest = resynced.Latest;
                break;
            case WriteResult.Failed failed:
                _log.Warning("Library {0}: write failed, answered StorageFailure: {1}", _libraryId, failed.Reason);
                break;
        }

        NoteGuess(done.Result);
        _pipeline.Complete(done.JobId, done.Result);
        WriteNext();
        PumpSubscriptions();
        StopIfRequestedAndIdle();
    }
}
