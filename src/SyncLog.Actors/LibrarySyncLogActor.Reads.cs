using Akka.Actor;
using Akka.Event;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors;

// Reads and vacuum run concurrently with writes. Their replies go straight from the task to the requester (so a
// reply never depends on this incarnation still being alive); only a tagged "done" comes back, to count what is in flight.
public sealed partial class LibrarySyncLogActor
{
    private void HandleReads()
    {
        Receive<GetLatestSequence>(_ =>
        {
            if (!Absent())
                Reply(new LatestSequence(_libraryId, _latest));
        });
        // Arguments are checked before anything else, so a bad request is InvalidRequest whether or not the file exists.
        Receive<FetchSince>(f => ReadChecked(() =>
        {
            EntryValidator.RequireSequence(f.Sequence, nameof(FetchSince.Sequence));
            EntryValidator.RequireLimit(f.Limit, nameof(FetchSince.Limit));
        }, db => db.FetchSinceAsync(f.Sequence, f.Limit), r => new Fetched(_libraryId, r)));
        Receive<FetchByDevice>(f => ReadChecked(() =>
        {
            EntryValidator.RequireId(f.DeviceId, nameof(FetchByDevice.DeviceId), "device id");
            EntryValidator.RequireSequence(f.SinceSequence, nameof(FetchByDevice.SinceSequence));
            EntryValidator.RequireLimit(f.Limit, nameof(FetchByDevice.Limit));
        }, db => db.FetchByDeviceAsync(f.DeviceId, f.SinceSequence, f.Limit), Found));
        Receive<FetchByRecord>(f => ReadChecked(() =>
        {
            EntryValidator.RequireId(f.ModelType, nameof(FetchByRecord.ModelType), "model type");
            EntryValidator.RequireId(f.RecordId, nameof(FetchByRecord.RecordId), "record id");
            EntryValidator.RequireLimit(f.Limit, nameof(FetchByRecord.Limit));
        }, db => db.FetchByRecordAsync(f.ModelType, f.RecordId, f.Limit), Found));
        Receive<FetchByTimeRange>(f => ReadChecked(() =>
        {
            if (f.To < f.From)
                throw new ArgumentException($"time range end {f.To:O} is before its start {f.From:O}", nameof(FetchByTimeRange.To));
            EntryValidator.RequireLimit(f.Limit, nameof(FetchByTimeRange.Limit));
        }, db => db.FetchByTimeRangeAsync(f.From, f.To, f.Limit), Found));
        Receive<GetStats>(_ =>
        {
            var redact = RedactFollowerLogs();
            Read(db => db.StatsAsync(), s => new Stats(_libraryId, redact
                ? s with { Followers = [.. s.Followers.Select(f => f with { LogId = Guid.Empty })] }
                : s));
        });
        Receive<VacuumOldEntries>(v => v.DryRun, v => Read(db => db.PlanVacuumAsync(RetentionPolicy(v.Before)),
            plan => new Vacuumed(_libraryId, plan.Removed, plan.ThroughSequence, plan.HeldBack, DryRun: true, plan.Lost, plan.LostLearned)));
        Receive<VacuumOldEntries>(v =>
        {
            if (!Absent())
                Vacuum(v.Before, Sender);
        });
        Receive<VacuumTick>(_ =>
        {
            if (_db is not null && _vacuumsInFlight == 0)
                Vacuum(DateTimeOffset.UtcNow - _settings.Retention, replyTo: null);
        });
    }

    // Completions, handled in Ready and Failed alike.
    private void HandleCompletions()
    {
        Receive<WriteDone>(OnWriteDone);
        Receive<WriteQueued>(OnWriteQueued);
        Receive<ReplicatedTermRecorded>(OnReplicatedTermRecorded);
        Receive<ReplicatedTermNotRecorded>(OnReplicatedTermNotRecorded);
        Receive<ReadDone>(done =>
        {
            if (done.Incarnation != _incarnation)
                return;
            _pendingIo.Remove(done.Io);
            _readsInFlight--;
            StopIfRequestedAndIdle();
        });
        Receive<VacuumDone>(done =>
        {
            if (done.Incarnation != _incarnation)
                return;
            _pendingIo.Remove(done.Io);
            _vacuumsInFlight--;
            if (done.Removed > 0)
                _log.Info("Library {0}: vacuum removed {1} entries", _libraryId, done.Removed);
            if (done.HeldBack is { } held)
                _log.Info("Library {0}: vacuum kept {1} expired entries from sequence {2} for followers that have not acked them: {3}",
                    _libraryId, held.Entries, held.FromSequence, string.Join(", ",
                        held.Followers.Select(f => $"{f.DeviceId} (acked {f.AckedSequence})").Concat(
                            (held.LearnedFollowers ?? []).Select(l => $"{l.DeviceId} (acked {l.AckedSequence}, learned from {l.LearnedFrom})"))));
            if (done.Lost is not null || done.LostLearned is not null)
                _log.Warning("Library {0}: vacuum no longer waits for followers silent longer than max-retention: {1}",
                    _libraryId, string.Join(", ",
                        (done.Lost ?? []).Select(f => $"{f.DeviceId} (acked {f.AckedSequence}, last ack {f.LastAckAt:O})").Concat(
                            (done.LostLearned ?? []).Select(l => $"{l.DeviceId} (acked {l.AckedSequence}, last ack {l.LastAckAt:O}, learned from {l.LearnedFrom})"))));
            PumpSubscriptions();
            StopIfRequestedAndIdle();
        });
        Receive<FileOpened>(opened => opened.Incarnation == _incarnation, opened =>
        {
            Opened(opened);
            foreach (var waiter in _openWaiters)
                waiter.Tell(new LibraryOpened(_libraryId, _latest));
            _openWaiters.Clear();
            if (_jobAwaitingFile is { } job)
            {
                _jobAwaitingFile = null;
                Run(job);
            }

            Stash.UnstashAll();
            // In Failed, an open that was running when the library failed ends here; a stop may have waited for it.
            StopIfRequestedAndIdle();
        });
        Receive<ReopenLockedFile>(_ => OpenFile());
        Receive<FileOpenFailed>(failed => failed.Incarnation == _incarnation, failed =>
        {
            _opening = null;
            if (RetryIfLocked(failed))
                return;
            var reason = OpenFailureReason(failed.Cause);
            if (_jobAwaitingFile is { } job)
            {
                _jobAwaitingFile = null;
                _pipeline?.Complete(job.Id, new WriteResult.Failed(reason));
            }

            BecomeFailed(reason);
        });
    }

    // A library without a sync.db answers LibraryNotFound and creates nothing. A file that appeared meanwhile (another
    // process, or our own open under way) is opened first; the request waits in the stash.
    private bool Absent()
    {
        if (_db is not null)
            return false;
        if (_opening is not null || File.Exists(_filePath))
        {
            StashRequest();
            if (_opening is null)
                OpenFile();
            return true;
        }

        Reply(new LibraryNotFound(_libraryId, _filePath));
        return true;
    }

    private void ReadChecked<T>(Action validate, Func<SyncLogDb, Task<T>> read, Func<T, object> toReply)
    {
        if (Invalid(validate) is { } invalid)
            Reply(invalid);
        else
            Read(read, toReply);
    }

    private void Read<T>(Func<SyncLogDb, Task<T>> read, Func<T, object> toReply) => ReadAfter(null, read, toReply);

    // A read that starts only once `previous` has ended. Returns the task that ends once it has answered (whatever its
    // outcome: it never faults), or null if it did not start (stashed until the file is open, or no file).
    private Task? ReadAfter<T>(Task? previous, Func<SyncLogDb, Task<T>> read, Func<T, object> toReply)
    {
        if (Absent())
            return null;
        var db = _db!;
        var replyTo = Sender;
        var self = Self;
        var incarnation = _incarnation;
        _readsInFlight++;
        Settle();
        var done = Track();
        var running = previous is null
            ? Task.Run(() => read(db))
            : Task.Run(async () =>
            {
                await previous;
                return await read(db);
            });
        running.ContinueWith(t =>
        {
            // Marked done whatever happens to the reply: a chained read after this one, and a stop's drain, wait for it.
            try
            {
                replyTo.Tell(ReplyTo(t, toReply));
            }
            finally
            {
                done.SetResult();
                self.Tell(new ReadDone(incarnation, done.Task));
            }
        }, TaskScheduler.Default);
        return done.Task;
    }

    private EntriesFound Found(IReadOnlyList<SyncLogEntry> entries) => new(_libraryId, entries);

    // Entries older than `before` go once every follower this log knows (its durable follower table, never this host's
    // own device) has acked them, but followers whose last ack is older than max-retention: those are lost.
    private VacuumPolicy RetentionPolicy(DateTimeOffset before) =>
        new(before, DateTimeOffset.UtcNow - _settings.MaxRetention, _settings.DeviceId);

    private void Vacuum(DateTimeOffset before, IActorRef? replyTo)
    {
        var db = _db!;
        var self = Self;
        var incarnation = _incarnation;
        var policy = RetentionPolicy(before);
        _vacuumsInFlight++;
        if (replyTo is not null)
            Settle();
        var done = Track();
        Task.Run(() => db.VacuumAsync(policy)).ContinueWith(t =>
        {
            var report = t.IsCompletedSuccessfully ? t.Result : null;
            replyTo?.Tell(report is not null
                ? new Vacuumed(_libraryId, report.Removed, report.ThroughSequence, report.HeldBack, Lost: report.Lost, LostLearned: report.LostLearned)
                : Refusal(t.Exception));
            done.SetResult();
            self.Tell(new VacuumDone(incarnation, done.Task, report?.Removed ?? 0, report?.HeldBack, report?.Lost, report?.LostLearned));
        }, TaskScheduler.Default);
    }

    // Reads and vacuums are remembered until done, so a stop closes the file only after them.
    private TaskCompletionSource Track()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingIo.Add(done.Task);
        return done;
    }

    // The answer to a finished read; a reply that cannot be built is answered as the failure it is.
    private object ReplyTo<T>(Task<T> read, Func<T, object> toReply)
    {
        if (!read.IsCompletedSuccessfully)
            return Refusal(read.Exception);
        try
        {
            return toReply(read.Result);
        }
#pragma warning disable CA1031 // Any exception building the reply is answered, never left to strand the sender.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Refusal(e);
        }
    }

    private object Refusal(Exception? e)
    {
        var cause = e is null ? null : Unwrap(e);
        return cause switch
        {
            ArgumentException argument => new InvalidRequest(_libraryId, EntryValidator.ReasonOf(argument)),
            null => new StorageFailure(_libraryId, "the read was cancelled"),
            _ => new StorageFailure(_libraryId, cause.Message),
        };
    }
}
