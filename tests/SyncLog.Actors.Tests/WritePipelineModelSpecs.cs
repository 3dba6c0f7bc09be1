using Akka.Actor;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Model-based randomized test of the <see cref="WritePipeline"/>: seeded schedules interleave appends, batches (some
/// invalid, some with an expected term), repeated, stale and newer leadership changes, replicate and resync, failed
/// writes, completions arriving late and restarts, against an in-memory log. A failure names its seed; rerun one with
/// <c>SYNCLOG_MODEL_SEED=&lt;seed&gt; dotnet test tests/SyncLog.Actors.Tests --filter WritePipelineModelSpecs</c>.
/// </summary>
public sealed class WritePipelineModelSpecs
{
    private const int Schedules = 1500;
    private const int StepsPerSchedule = 250;

    [Fact]
    public void Every_schedule_answers_each_request_once_in_order_and_fences_every_term()
    {
        var only = Environment.GetEnvironmentVariable("SYNCLOG_MODEL_SEED");
        var seeds = int.TryParse(only, out var seed) ? [seed] : Enumerable.Range(1, Schedules);
        foreach (var s in seeds)
        {
            try
            {
                new Schedule(s).Run(StepsPerSchedule);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException(
                    $"schedule with seed {s} failed: {e.Message}\nrerun it alone with SYNCLOG_MODEL_SEED={s} dotnet test tests/SyncLog.Actors.Tests -c Release --filter WritePipelineModelSpecs", e);
            }
        }
    }

    /// <summary>One seeded run: plays the library actor around a pipeline, and the storage writer under it.</summary>
    private sealed class Schedule(int seed)
    {
        private const string Me = "me";
        private const int SoftCap = 4;
        private const int HardCap = 12;
        private const int BudgetTicks = 1000;
        private static readonly Guid Library = Guid.NewGuid();
        private readonly Random _random = new(seed);
        private readonly Dictionary<object, Request> _requests = new(ReferenceEqualityComparer.Instance);
        private readonly List<long> _acks = [];
        private readonly SortedDictionary<long, string> _log = [];
        private readonly List<(long Step, long Term)> _commits = [];
        private readonly List<(long Step, long Term)> _ackSteps = [];
        private readonly Dictionary<int, int> _nextReplyOfSender = [];
        private readonly Dictionary<int, int> _sentBySender = [];
        private LeadershipState _recorded = LeadershipState.None;
        private long _highestReplicated;
        private WritePipeline _pipeline = null!;
        private (LeadershipChanged Change, LeaderElected Elected)? _recording;
        private readonly Queue<LeadershipChanged> _leadershipWaiting = new();
        private WriteJob? _executed;
        private WriteResult? _executedResult;
        private long _latest;
        private long _vacuumedThrough;
        private long _step;
        private long _clock;
        private int _payloads;

        public void Run(int steps)
        {
            _pipeline = NewPipeline();
            for (_step = 0; _step < steps; _step++)
            {
                switch (_random.Next(100))
                {
                    case < 30: SubmitAppend(batch: false); break;
                    case < 42: SubmitAppend(batch: true); break;
                    case < 52: ChangeLeadership(); break;
                    case < 60: FinishRecording(); break;
                    case < 66: SubmitReplicate(); break;
                    case < 69: SubmitResync(); break;
                    case < 84: Execute(); break;
                    case < 93: Deliver(); break;
                    case < 97: _clock += _random.Next(0, BudgetTicks); break;
                    default: Restart(); break;
                }

                Pump();
                CheckLogHasNoHole();
            }

            // Drain: let everything finish, then check the model.
            for (var guard = 0; guard < 10_000 && (_recording is not null || _pipeline.InFlight is not null || !_pipeline.IsIdle || _leadershipWaiting.Count > 0); guard++)
            {
                FinishRecording();
                Execute();
                Deliver();
                Pump();
            }

            foreach (var request in _requests.Values)
                Assert.True(request.Answers == 1, $"{request.Message.GetType().Name} #{request.Id} got {request.Answers} answers");
            foreach (var (step, term) in _commits)
                Assert.DoesNotContain(_ackSteps, a => a.Step < step && a.Term > term);
        }

        private WritePipeline NewPipeline() =>
            new(Library, Me, new BatchSizer(SoftCap, HardCap, Ticks(BudgetTicks), Ticks(2 * BudgetTicks), () => _clock),
                maxPendingAppends: 30, _recorded, _highestReplicated, OnReply);

        private static TimeSpan Ticks(long stopwatchTicks) =>
            TimeSpan.FromSeconds(stopwatchTicks / (double)System.Diagnostics.Stopwatch.Frequency);

        private void OnReply(object? request, IActorRef replyTo, object reply)
        {
            Assert.NotNull(request);
            var r = _requests[request];
            r.Answers++;
            if (reply is LeadershipAck ack)
                _ackSteps.Add((_step, ack.Term));
            if (r.Sender >= 0)
            {
                // One sender's append replies come in the order it sent the appends.
                Assert.Equal(_nextReplyOfSender.GetValueOrDefault(r.Sender), r.IndexForSender);
                _nextReplyOfSender[r.Sender] = r.IndexForSender + 1;
            }

            switch (reply)
            {
                case Appended appended:
                    Assert.Equal(((Append)r.Message).Entry.Data, _log[appended.Sequence]);
                    break;
                case BatchAppended batch:
                    var entries = ((AppendBatch)r.Message).Entries;
                    Assert.Equal(entries.Count, batch.Sequences.Count);
                    for (var i = 0; i < entries.Count; i++)
                        Assert.Equal(entries[i].Data, _log[batch.Sequences[i]]);
                    Assert.Equal(batch.Sequences, Enumerable.Range(0, entries.Count).Select(i => batch.Sequences[0] + i));
                    break;
            }
        }

        private T Track<T>(T message, int sender = -1) where T : notnull
        {
            var index = sender < 0 ? 0 : _sentBySender.GetValueOrDefault(sender);
            if (sender >= 0)
                _sentBySender[sender] = index + 1;
            _requests[message] = new Request(_requests.Count, message, sender, index);
            return message;
        }

        private NewSyncLogEntry NewEntry() =>
            new(Me, DateTimeOffset.UnixEpoch, "album", "r", ChangeType.Insert, $$"""{"p":{{++_payloads}}}""");

        private void SubmitAppend(bool batch)
        {
            var sender = _random.Next(3);
            long? expected = _random.Next(4) == 0 ? _recorded.Term + _random.Next(-1, 2) : null;
            var invalid = _random.Next(10) == 0;
            object message = batch
                ? new AppendBatch(Library, Enumerable.Range(0, _random.Next(1, 12)).Select(_ => NewEntry()).ToList(), expected)
                : new Append(Library, NewEntry(), expected);
            Track(message, sender);
            var entries = message is AppendBatch b ? b.Entries : [((Append)message).Entry];
            _pipeline.Submit(invalid
                ? new PendingReply(message, ActorRefs.Nobody, new InvalidRequest(Library, "invalid"))
                : new PendingAppend(message, ActorRefs.Nobody, entries, expected, batch));
        }

        private void ChangeLeadership()
        {
            var leader = _random.Next(2) == 0 ? Me : "other";
            var term = Math.Max(1, _recorded.Term + _random.Next(-1, 3));
            OnLeadershipChanged(Track(new LeadershipChanged(Library, leader, term)));
        }

        // The actor's part: one change recorded at a time, judged against what is recorded.
        private void OnLeadershipChanged(LeadershipChanged change)
        {
            if (_recording is not null)
            {
                _leadershipWaiting.Enqueue(change);
                return;
            }

            switch (_pipeline.Leadership.Judge(change.LeaderDeviceId, change.Term))
            {
                case LeadershipDecision.Current:
                    _pipeline.Acknowledge(change, ActorRefs.Nobody, change.Term);
                    break;
                case LeadershipDecision.Stale:
                    OnReply(change, ActorRefs.Nobody, new StaleTerm(Library, change.Term, _recorded.Term, _recorded.LeaderDeviceId));
                    break;
                default:
                    _recording = (change, new LeaderElected(change.LeaderDeviceId, change.Term));
                    _pipeline.BeginLeadershipChange();
                    break;
            }
        }

        private void FinishRecording()
        {
            if (_recording is not { } recording)
                return;
            _recording = null;
            if (_random.Next(8) == 0)
            {
                OnReply(recording.Change, ActorRefs.Nobody, new StorageFailure(Library, "rejected"));
                _pipeline.LeadershipNotRecorded();
            }
            else
            {
                _recorded = _recorded.Apply(recording.Elected);
                _pipeline.LeadershipRecorded(_recorded, recording.Change, ActorRefs.Nobody);
            }

            while (_recording is null && _leadershipWaiting.TryDequeue(out var next))
                OnLeadershipChanged(next);
        }

        private void SubmitReplicate()
        {
            var start = _latest + 1 + (_random.Next(6) == 0 ? 1 : 0);
            var entries = Enumerable.Range(0, _random.Next(1, 4))
                .Select(i => new SyncLogEntry(0, start + i, "other", DateTimeOffset.UnixEpoch, "album", "r", ChangeType.Insert, 1, $$"""{"p":{{++_payloads}}}"""))
                .ToList();
            var term = Math.Max(1, Math.Max(_recorded.Term, _highestReplicated) + _random.Next(-1, 2));
            var message = Track(new Replicate(Library, entries, term));
            _pipeline.Submit(new PendingReplicate(message, ActorRefs.Nobody, SyncLogDb.PrepareReplication(entries)));
        }

        private void SubmitResync()
        {
            var message = Track(new ResyncFrom(Library, _latest + _random.Next(0, 5)));
            _pipeline.Submit(new PendingResync(message, ActorRefs.Nobody));
        }

        // The storage writer's part: runs the job in flight (taking late joiners), commits or fails; the completion
        // reaches the pipeline later, in Deliver.
        private void Execute()
        {
            if (_pipeline.InFlight is not { } job || _executed is not null)
                return;
            _executed = job;
            if (_random.Next(8) == 0)
            {
                _executedResult = new WriteResult.Failed("injected");
                if (job is AppendJob failed)
                    failed.Late.Take(_random.Next(0, 8));
                return;
            }

            switch (job)
            {
                case AppendJob append:
                    var entries = append.Entries.ToList();
                    // Adaptive group commit: the cap moves between the soft and the hard cap, never past them.
                    Assert.InRange(append.Late.Cap, SoftCap, Math.Max(HardCap, entries.Count));
                    for (var i = _random.Next(3); i > 0; i--)
                    {
                        // The writer's clock moves while it writes: a spent budget stops late joiners.
                        _clock += _random.Next(0, BudgetTicks / 2);
                        var joined = append.Late.Take(Math.Max(0, append.Late.Cap - entries.Count));
                        // Late joiners were judged under the job's term: none may join once a newer one is on its way.
                        Assert.True(joined.Count == 0 || (_recording is null && _recorded.Term == job.Term),
                            $"an append judged at term {job.Term} joined after term {_recording?.Elected.Term ?? _recorded.Term} was begun");
                        entries.AddRange(joined);
                    }

                    Assert.True(entries.Count <= Math.Max(append.Late.Cap, append.Entries.Count), $"{entries.Count} entries in a transaction capped at {append.Late.Cap}");
                    var sequences = new List<long>();
                    foreach (var entry in entries)
                    {
                        _log[++_latest] = entry.Data;
                        sequences.Add(_latest);
                    }

                    _commits.Add((_step, job.Term));
                    _executedResult = new WriteResult.Committed(sequences, _latest);
                    break;
                case ReplicateJob replicate:
                    var page = replicate.Write.Replication.Entries;
                    if (page[0].Sequence != _latest + 1)
                    {
                        _executedResult = new WriteResult.Replicated(new ReplicationResult(ReplicationOutcome.Gap, _latest, 0));
                        break;
                    }

                    foreach (var entry in page)
                        _log[++_latest] = entry.Data;
                    _commits.Add((_step, job.Term));
                    _executedResult = new WriteResult.Replicated(new ReplicationResult(ReplicationOutcome.Applied, _latest, page.Count));
                    break;
                case ResyncJob resync:
                    var from = resync.Write.Resync.Sequence;
                    if (from > _latest)
                    {
                        _log.Clear();
                        _latest = _vacuumedThrough = from;
                    }

                    _commits.Add((_step, job.Term));
                    _executedResult = new WriteResult.Resynced(_latest, _vacuumedThrough);
                    break;
            }
        }

        private void Deliver()
        {
            if (_executed is not { } job)
                return;
            _executed = null;
            var before = _pipeline.HighestReplicatedTerm;
            Assert.True(_pipeline.Complete(job.Id, _executedResult!));
            _highestReplicated = Math.Max(_highestReplicated, _pipeline.HighestReplicatedTerm);
            Assert.True(_pipeline.HighestReplicatedTerm >= before);
            // A completion delivered twice (a late duplicate) is ignored.
            Assert.False(_pipeline.Complete(job.Id, _executedResult!));
        }

        // A restart: everything waiting is answered, the write in flight finishes and is answered by its real
        // outcome; the next incarnation starts from what is recorded.
        private void Restart()
        {
            _pipeline.AbandonWaiting("restarted");
            if (_recording is { } recording)
                OnReply(recording.Change, ActorRefs.Nobody, new StorageFailure(Library, "restarted"));
            _recording = null;
            while (_leadershipWaiting.TryDequeue(out var waiting))
                OnReply(waiting, ActorRefs.Nobody, new StorageFailure(Library, "restarted"));
            Execute();
            Deliver();
            _pipeline = NewPipeline();
        }

        private void Pump()
        {
            if (_executed is null)
                _pipeline.NextJob();
        }

        private void CheckLogHasNoHole()
        {
            var expected = _vacuumedThrough + 1;
            foreach (var sequence in _log.Keys)
                Assert.Equal(expected++, sequence);
            Assert.Equal(_latest, expected - 1);
        }

        private sealed class Request(int id, object message, int sender, int indexForSender)
        {
            public int Id { get; } = id;

            public object Message { get; } = message;

            public int Sender { get; } = sender;

            public int IndexForSender { get; } = indexForSender;

            public int Answers { get; set; }
        }
    }
}
