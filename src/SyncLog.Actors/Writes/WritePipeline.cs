using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Writes;

/// <summary>
/// The write side of one library, with no actor inside: the queue, late joiners, leadership judgement and who gets
/// which answer. Its owner (the library actor, or a test) submits requests, runs each <see cref="WriteJob"/> that
/// <see cref="NextJob"/> hands out and reports its outcome with <see cref="Complete"/>. Not thread-safe: one caller at a time.
/// </summary>
/// <remarks>
/// Guarantees, whatever the interleaving:
/// <list type="bullet">
/// <item>Every request submitted is answered exactly once, through the reply callback.</item>
/// <item>Leadership (and follower-only) checks run when a job is built, never earlier, for every kind of write; late
/// joiners are judged when they join, and sealed before a leadership change is recorded.</item>
/// <item>A <see cref="LeadershipAck"/> for term T leaves only when no write judged under a term below T is in flight.</item>
/// <item>One sender's append replies leave in the order it sent the appends.</item>
/// </list>
/// </remarks>
internal sealed class WritePipeline
{
    private readonly Guid _libraryId;
    private readonly string _deviceId;
    private readonly BatchSizer _batching;
    private readonly int _maxPendingAppends;
    private readonly Action<object?, IActorRef, object> _reply;
    private readonly WriteQueue _queue = new();
    private readonly List<(object Request, IActorRef ReplyTo, long Term)> _heldAcks = [];
    private readonly List<(PendingWrite Write, object Reply)> _answerAfterInFlight = [];
    private long _lastJobId;
    private long _inFlightSince;
    private bool _changingLeadership;

    /// <summary>
    /// Creates the pipeline. <paramref name="reply"/> receives (request, reply-to, reply) for every answer; the request
    /// is null only for nothing (acks carry their <see cref="LeadershipChanged"/>).
    /// </summary>
    public WritePipeline(Guid libraryId, string deviceId, BatchSizer batching, int maxPendingAppends,
        LeadershipState leadership, long highestReplicatedTerm, Action<object?, IActorRef, object> reply)
    {
        _libraryId = libraryId;
        _deviceId = deviceId;
        _batching = batching;
        _maxPendingAppends = maxPendingAppends;
        _reply = reply;
        Leadership = leadership;
        HighestReplicatedTerm = highestReplicatedTerm;
    }

    /// <summary>The leadership writes are judged by: the last one recorded.</summary>
    public LeadershipState Leadership { get; private set; }

    /// <summary>The highest leader term of a page this follower replicated; pages of older terms are refused.</summary>
    public long HighestReplicatedTerm { get; private set; }

    /// <summary>The job being written, if any.</summary>
    public WriteJob? InFlight { get; private set; }

    /// <summary>Nothing in flight, nothing waiting: the owner may close the file.</summary>
    public bool IsIdle => InFlight is null && _queue.Count == 0 && _answerAfterInFlight.Count == 0;

    /// <summary>The highest term any judgement may still refer to: a follower refuses pages (and learned followers) of older terms.</summary>
    public long KnownTerm => Math.Max(Leadership.Term, HighestReplicatedTerm);

    /// <summary>
    /// Takes a write in. Input must already be validated (an invalid one comes as a <see cref="PendingReply"/>). False
    /// when an append was refused here, as <see cref="Overloaded"/>: it will never be written.
    /// </summary>
    public bool Submit(PendingWrite write)
    {
        var accepted = true;
        if (write is PendingAppend append)
        {
            var pending = _queue.PendingAppendEntries + (InFlight is AppendJob job ? job.Late.WaitingEntries : 0);
            // With no job running, the next one starts after the actor's mailbox turn and takes the head of the queue:
            // that head is what would already be in flight, so it is not waiting, and a burst meets the same bound.
            if (InFlight is null && !_changingLeadership)
                pending -= _queue.HeadAppendEntries;
            if (pending >= _maxPendingAppends)
            {
                write = new PendingReply(append.Request, append.ReplyTo, new Overloaded(_libraryId, pending));
                accepted = false;
            }
            // With nothing queued ahead, an append allowed now may join the transaction in flight (judged under the
            // same leadership: any change seals the joiners first).
            else if (_queue.Count == 0 && !_changingLeadership && InFlight is AppendJob { Late: var late }
                     && RefuseAppend(append.ExpectedTerm) is null && late.TryAdd(append))
                return true;
        }

        if (write is PendingReply refused && InFlight is null && _queue.Count == 0)
        {
            _reply(refused.Request, refused.ReplyTo, refused.Reply);
            return accepted;
        }

        _queue.Enqueue(write);
        return accepted;
    }

    /// <summary>
    /// A newer leadership is about to be recorded: seal the late joiners (what has not joined yet is judged again) and
    /// start no new job until <see cref="LeadershipRecorded"/> or <see cref="LeadershipNotRecorded"/>.
    /// </summary>
    public void BeginLeadershipChange()
    {
        _changingLeadership = true;
        if (InFlight is AppendJob job)
            _queue.PrependRange(job.Late.Seal());
    }

    /// <summary>The change is durable: judge by it from now on, and acknowledge it once nothing older can commit.</summary>
    public void LeadershipRecorded(LeadershipState leadership, object request, IActorRef replyTo)
    {
        _changingLeadership = false;
        Leadership = leadership;
        Acknowledge(request, replyTo, leadership.Term);
    }

    /// <summary>The change could not be recorded; writes resume under the leadership already recorded.</summary>
    public void LeadershipNotRecorded() => _changingLeadership = false;

    /// <summary>
    /// Acknowledges <paramref name="term"/> (a repeat of the current leadership, or one just recorded) once no write of
    /// a lower term is in flight.
    /// </summary>
    public void Acknowledge(object request, IActorRef replyTo, long term)
    {
        if (InFlight is { } inFlight && inFlight.Term < term)
            _heldAcks.Add((request, replyTo, term));
        else
            _reply(request, replyTo, new LeadershipAck(_libraryId, term));
    }

    /// <summary>A replicated page's term was made durable (recorded before the page runs, or replayed by the journal).</summary>
    public void ObserveReplicatedTerm(long term) => HighestReplicatedTerm = Math.Max(HighestReplicatedTerm, term);

    /// <summary>
    /// The next job to run, judged now, or null (nothing to write, a job is in flight, or a leadership change is being
    /// recorded). Refusals met on the way are answered in order.
    /// </summary>
    public WriteJob? NextJob()
    {
        while (InFlight is null && !_changingLeadership)
        {
            var group = _queue.TakeNext(_batching.Cap);
            if (group.Count == 0)
                return null;

            if (group is [PendingReplicate replicate])
            {
                if ((RefuseFollowerWrite("replicate") ?? (object?)RefuseOlderPage(replicate.Replication.LeaderTerm)) is { } refusal)
                    _reply(replicate.Request, replicate.ReplyTo, refusal);
                else
                    return InFlight = new ReplicateJob(++_lastJobId, replicate.Replication.LeaderTerm, replicate);
                continue;
            }

            if (group is [PendingResync resync])
            {
                if (RefuseFollowerWrite("resync") is { } refusal)
                    _reply(resync.Request, resync.ReplyTo, refusal);
                else
                    return InFlight = new ResyncJob(++_lastJobId, KnownTerm, resync);
                continue;
            }

            var replies = new object?[group.Count];
            var accepted = new List<IReadOnlyList<NewSyncLogEntry>>(group.Count);
            for (var i = 0; i < group.Count; i++)
            {
                if (group[i] is PendingReply pending)
                    replies[i] = pending.Reply;
                else if (group[i] is PendingAppend append && (replies[i] = RefuseAppend(append.ExpectedTerm)) is null)
                    accepted.Add(append.Entries);
            }

            // Each append keeps the form its actor prepared it in (encoded and chained), so the writer only links them.
            var entries = PreparedAppend.Concat(accepted);
            if (entries.Count == 0)
            {
                Answer(group, replies, sequences: null, failure: null);
                continue;
            }

            _batching.Taken(_queue.PendingAppendEntries);
            var since = _inFlightSince = _batching.Now();
            var late = new LateJoiners(Math.Max(_batching.Cap, entries.Count), () => _batching.BudgetSpent(since));
            return InFlight = new AppendJob(++_lastJobId, Leadership.Term, group, replies, entries, late);
        }

        return null;
    }

    /// <summary>
    /// Reports how job <paramref name="jobId"/> ended and answers everyone it concerns; false (and nothing done) when
    /// that job is not the one in flight (a completion of an earlier owner).
    /// </summary>
    public bool Complete(long jobId, WriteResult result)
    {
        if (InFlight is not { } job || job.Id != jobId)
            return false;
        InFlight = null;
        var failure = result is WriteResult.Failed failed
            ? new StorageFailure(_libraryId, $"write failed, nothing of it was stored: {failed.Reason}")
            : null;

        switch (job)
        {
            case AppendJob append:
                // Joined appends follow the group (they arrived later); those that did not join go back to the front.
                var (joined, left) = append.Late.Close();
                _queue.PrependRange(left);
                var sequences = (result as WriteResult.Committed)?.Sequences;
                if (sequences is not null)
                    _batching.Committed(sequences.Count, _inFlightSince, drained: _queue.PendingAppendEntries == 0);
                Answer(append.Group, append.Replies, sequences, failure, offset: 0);
                // Joined appends were judged as they joined: none of them holds a refusal.
                Answer(joined, replies: null, sequences, failure, offset: append.Entries.Count);
                break;
            case ReplicateJob replicate:
                var write = replicate.Write;
                if (result is WriteResult.Replicated { Result: var r })
                {
                    HighestReplicatedTerm = Math.Max(HighestReplicatedTerm, replicate.Term);
                    _reply(write.Request, write.ReplyTo, r.Outcome == ReplicationOutcome.Applied
                        ? new Replicated(_libraryId, r.LatestSequence)
                        : new ReplicationRefused(_libraryId, r.LatestSequence, r.Outcome, r.ConflictingSequence));
                }
                else
                {
                    _reply(write.Request, write.ReplyTo, failure ?? Unexpected(result));
                }

                break;
            case ResyncJob resync:
                _reply(resync.Write.Request, resync.Write.ReplyTo, result is WriteResult.Resynced marks
                    ? new Resynced(_libraryId, marks.Latest, marks.VacuumedThrough)
                    : failure ?? Unexpected(result));
                break;
        }

        // Nothing judged under an older term is in flight any more: every held acknowledgement may leave.
        foreach (var (request, replyTo, term) in _heldAcks)
            _reply(request, replyTo, new LeadershipAck(_libraryId, term));
        _heldAcks.Clear();
        foreach (var (write, reply) in _answerAfterInFlight)
            _reply(write.Request, write.ReplyTo, reply);
        _answerAfterInFlight.Clear();
        return true;
    }

    /// <summary>
    /// Answers everything waiting (queued and not yet joined) with <see cref="StorageFailure"/> and seals the late
    /// joiners. With a job in flight those answers wait for its <see cref="Complete"/>, which answers the job first:
    /// a sender whose earlier append is in that job still gets its replies in order.
    /// </summary>
    public void AbandonWaiting(string reason)
    {
        var failure = new StorageFailure(_libraryId, reason);
        var waiting = new List<PendingWrite>();
        if (InFlight is AppendJob job)
            waiting.AddRange(job.Late.Seal());
        waiting.AddRange(_queue.DrainAll());
        _changingLeadership = false;
        foreach (var write in waiting)
        {
            var reply = write is PendingReply refused ? refused.Reply : failure;
            if (InFlight is null)
                _reply(write.Request, write.ReplyTo, reply);
            else
                _answerAfterInFlight.Add((write, reply));
        }
    }

    private object? RefuseAppend(long? expectedTerm)
    {
        if (!Leadership.IsLedBy(_deviceId))
            return new NotLeader(_libraryId, Leadership.LeaderDeviceId, Leadership.Term);
        if (expectedTerm is { } term && term != Leadership.Term)
            return new StaleTerm(_libraryId, term, Leadership.Term, Leadership.LeaderDeviceId);
        return null;
    }

    // On the leader these writes would clash with, or skip, the sequences it assigns.
    private InvalidRequest? RefuseFollowerWrite(string verb) => Leadership.IsLedBy(_deviceId)
        ? new InvalidRequest(_libraryId, $"this device leads the library at term {Leadership.Term}; only followers {verb}")
        : null;

    private StaleTerm? RefuseOlderPage(long leaderTerm) => leaderTerm < KnownTerm
        ? new StaleTerm(_libraryId, leaderTerm, KnownTerm, Leadership.LeaderDeviceId)
        : null;

    private StorageFailure Unexpected(WriteResult result) =>
        new(_libraryId, $"write ended with an unexpected outcome {result.GetType().Name}");

    // Answers a group in arrival order: refusals as decided, accepted appends with their slice of the sequences from
    // `offset` on (or the failure when the transaction failed).
    private void Answer(IReadOnlyList<PendingWrite> group, object?[]? replies, IReadOnlyList<long>? sequences, object? failure,
        int offset = 0)
    {
        for (var i = 0; i < group.Count; i++)
        {
            var write = group[i];
            if (replies?[i] is { } decided)
            {
                _reply(write.Request, write.ReplyTo, decided);
                continue;
            }

            var append = (PendingAppend)write;
            var count = append.Entries.Count;
            if (sequences is null)
            {
                _reply(write.Request, write.ReplyTo, failure ?? new StorageFailure(_libraryId, "write ended without sequences"));
            }
            else if (append.IsBatch)
            {
                var slice = new long[count];
                for (var j = 0; j < count; j++)
                    slice[j] = sequences[offset + j];
                _reply(write.Request, write.ReplyTo, new BatchAppended(_libraryId, slice));
            }
            else
            {
                _reply(write.Request, write.ReplyTo, new Appended(_libraryId, sequences[offset]));
            }

            offset += count;
        }
    }
}
