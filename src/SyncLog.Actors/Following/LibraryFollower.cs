using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// Keeps this host's copy of one library current from a leader host, using only the public protocol, so the leader can
/// be a <see cref="SyncLogSupervisor"/> in this process or anything that forwards the protocol to one. It subscribes on
/// the leader from the local latest sequence with explicit demand, replicates under the leader's term one
/// <see cref="Replicate"/> at a time (the pages that arrived meanwhile together, up to
/// <see cref="FollowerSettings.MaxReplicateRows"/>) and asks for more only after the local <see cref="Replicated"/>; it
/// resubscribes from the local latest sequence after any gap, refusal or loss (with exponential backoff), never skipping.
/// See the README's "Following a leader".
/// </summary>
/// <remarks>
/// One actor, not a BackoffSupervisor around a connection child: the follower must stay one address with its status and
/// events across reconnects, and must not be restarted blindly out of <see cref="FollowerState.Diverged"/> or
/// <see cref="FollowerState.ResyncRequired"/>. The backoff and heartbeats are Akka timers. Every request to it gets one reply.
/// </remarks>
public sealed class LibraryFollower : ReceiveActor, IWithTimers
{
    private const string ReconnectTimer = "reconnect";
    private const string HeartbeatTimer = "heartbeat";
    private const string SubscribeTimer = "subscribe-timeout";
    private const string AckTimer = "ack";
    private const string LearnTimer = "learn-followers";
    private const int FeedNameRandomBytes = 16;

    private const string UnwrappedReason = "this host is reachable over the network: a follower takes requests only " +
        "through the ref SyncLogHost.StartFollower returned, in the follower's own process; nothing was done";

    private const string ForgedReason = "the request claims to come from this host's own process but does not carry " +
        "its token; nothing was done";

    private readonly IActorRef _local;
    private readonly Guid _libraryId;
    private readonly string _deviceId;
    private readonly FollowerSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // Pushed and not yet replicated: never more than the subscription's demand (FollowerSettings.Window).
    private readonly List<SyncLogEntry> _buffer = [];
    private readonly bool _networked;
    private readonly LocalTrust _trust;

    private IActorRef _leader;
    // A new epoch per connection attempt and per state change: answers and pushes of an older one are ignored.
    private long _epoch;
    private FollowerState _state = FollowerState.Connecting;
    private long _localLatest;
    private long _localTerm;
    private long? _leaderLatest;
    private long _leaderTerm;
    private int _attempt;
    private string? _lastProblem;
    private IActorRef? _feed;
    private long _nextExpected;
    // The Replicate in flight (one at a time, across epochs) and how many entries it carries.
    private bool _replicating;
    private int _replicatingCount;
    private bool _connectAfterWrite;
    private bool _heartbeatInFlight;
    private bool _caughtUp;
    private long _vacuumFloor;
    private (IActorRef Sender, long Sequence)? _resync;
    // Acknowledgements for the leader's retention: the local log's identity, the last sequence sent and confirmed.
    private Guid _logId;
    private long _ackSent;
    private long _acked;
    private bool _ackThrottled;
    private bool _ackPending;
    // Handover: the leader's device (from its Leadership), and whether a GetFollowers to it is unanswered.
    private string? _leaderDeviceId;
    private bool _learnInFlight;
    // The LearnFollowers to the local host in flight (one at a time, across epochs: only the newest report waits, so a
    // slow host never queues a backlog; the host stores reports in arrival order, also the next one sent after an ask
    // timed out), and the newest report that waits for it to be answered.
    private bool _teaching;
    private LearnFollowers? _nextReport;

    /// <summary>Creates the follower; use <see cref="Props"/>.</summary>
    public LibraryFollower(IActorRef localSupervisor, IActorRef leader, Guid libraryId, string deviceId, FollowerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(localSupervisor);
        ArgumentNullException.ThrowIfNull(leader);
        ArgumentNullException.ThrowIfNull(settings);
        if (libraryId == Guid.Empty)
            throw new ArgumentException("library id must not be the empty GUID", nameof(libraryId));
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceId);
        settings.Validate();
        _local = localSupervisor;
        _leader = leader;
        _libraryId = libraryId;
        _deviceId = deviceId;
        _settings = settings;

        _networked = ServedRequests.IsNetworked(Context.System);
        _trust = LocalTrust.Get(Context.System);
        // Through the entrance (SyncLogHost.StartFollower): this process's own requests, vouched for by the token.
        Receive<LocalFollowerRequest>(wrapped =>
        {
            if (_trust.Vouches(wrapped))
                OnRequest(wrapped.Request);
            else
                Sender.Tell(new FollowerRequestRefused(wrapped.Request?.LibraryId ?? _libraryId, ForgedReason));
        });
        // A peer that reaches this host could point the follower at a fake leader, whose entries it would then write
        // as this process's own: on a networked host only the entrance is heard.
        Receive<IFollowerRequest>(_ => _networked, request => Sender.Tell(new FollowerRequestRefused(request.LibraryId, UnwrappedReason)));
        Receive<IFollowerRequest>(OnRequest);
        Receive<Answer>(OnAnswer);
        Receive<FeedMessage>(message => message.Epoch == _epoch, message => OnFeed(message.Message));
        Receive<FeedMessage>(_ => { });
        Receive<Reconnect>(reconnect => reconnect.Epoch == _epoch && _state == FollowerState.Reconnecting, _ => Connect());
        Receive<Reconnect>(_ => { });
        Receive<SubscribeTimedOut>(timeout => timeout.Epoch == _epoch && _state == FollowerState.Connecting,
            _ => Lost($"the leader did not answer Subscribe within {_settings.AskTimeout}"));
        Receive<SubscribeTimedOut>(_ => { });
        Receive<Heartbeat>(_ => OnHeartbeat());
        Receive<AckTick>(_ => OnAckTick());
        Receive<LearnTick>(_ => LearnFollowers());
        // Always handled: an unhandled Terminated of a watched leader would kill the follower (DeathPactException).
        Receive<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_leader) && _state is FollowerState.Connecting or FollowerState.Following)
                Lost("the leader stopped or its host became unreachable");
        });
    }

    /// <summary>Timers of the backoff, the heartbeat and the subscribe timeout.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props of a follower that keeps <paramref name="libraryId"/> on <paramref name="localSupervisor"/> current from
    /// <paramref name="leader"/> (a leader's supervisor, or an actor forwarding the protocol to one), acknowledging
    /// what it replicated as <paramref name="deviceId"/> (the local host's <c>synclog.device-id</c>).
    /// </summary>
    public static Props Props(IActorRef localSupervisor, IActorRef leader, Guid libraryId, string deviceId, FollowerSettings settings) =>
        Akka.Actor.Props.Create(() => new LibraryFollower(localSupervisor, leader, libraryId, deviceId, settings));

    /// <inheritdoc />
    protected override void PreStart() => Connect();

    /// <inheritdoc />
    protected override void PostStop()
    {
        AnswerResync(new FollowerRequestRefused(_libraryId, "the follower stopped"));
        base.PostStop();
    }

    private void OnRequest(IFollowerRequest request)
    {
        if (request.LibraryId != _libraryId)
        {
            Sender.Tell(new FollowerRequestRefused(request.LibraryId, $"this follower keeps library {_libraryId}, not {request.LibraryId}"));
            return;
        }

        switch (request)
        {
            case GetFollowerStatus:
                Sender.Tell(Status());
                break;
            case FollowLeader follow:
                OnFollowLeader(follow);
                break;
            case ApproveResync approve:
                OnApproveResync(approve);
                break;
            default:
                Sender.Tell(new FollowerRequestRefused(request.LibraryId, $"a follower does not take {request.GetType().Name}"));
                break;
        }
    }

    private FollowerStatus Status() =>
        new(_libraryId, _state, _localLatest, _leaderLatest, _leaderTerm, _leader.Path.ToString(), _attempt, _lastProblem, _acked);

    // ---- Connecting: local leadership, local latest, leader leadership, then Subscribe ----

    private void Connect()
    {
        LeaveState(FollowerState.Connecting);
        // One write at a time: a Replicate of an older attempt is answered first, so the local latest read next is final.
        if (_replicating)
        {
            _connectAfterWrite = true;
            return;
        }

        AskLocal(new GetLeadership(_libraryId), Step.LocalLeadership);
    }

    private void OnAnswer(Answer answer)
    {
        if (answer.Step == Step.Replicate)
        {
            OnReplicateAnswer(answer);
            return;
        }

        if (answer.Step == Step.Ack)
        {
            OnAckAnswer(answer.Reply);
            return;
        }

        if (answer.Step == Step.Learned)
        {
            OnLearned(answer.Reply);
            return;
        }

        if (answer.Epoch != _epoch)
            return;
        switch (answer.Step)
        {
            case Step.LocalLeadership:
                OnLocalLeadership(answer.Reply);
                break;
            case Step.LocalLatest:
                OnLocalLatest(answer.Reply);
                break;
            case Step.LocalLogId:
                OnLocalLogId(answer.Reply);
                break;
            case Step.LeaderLeadership:
                OnLeaderLeadership(answer.Reply);
                break;
            case Step.HeartbeatLeadership:
                OnHeartbeatLeadership(answer.Reply);
                break;
            case Step.Heartbeat:
                OnHeartbeatAnswer(answer.Reply);
                break;
            case Step.ChecksumAt:
                OnLeaderChecksum(answer.Reply);
                break;
            case Step.Resync:
                OnResynced(answer.Reply);
                break;
            case Step.LeaderFollowers:
                OnLeaderFollowers(answer.Reply);
                break;
        }
    }

    private void OnLocalLeadership(object reply)
    {
        switch (reply)
        {
            case Leadership { IsThisDevice: true } mine:
                Halt($"this device leads the library at term {mine.Term}; a leader does not follow");
                break;
            case Leadership leadership:
                _localTerm = leadership.Term;
                AskLocal(new GetLatestSequence(_libraryId), Step.LocalLatest);
                break;
            default:
                Lost($"the local host did not give its leadership: {Describe(reply)}");
                break;
        }
    }

    private void OnLocalLatest(object reply)
    {
        switch (reply)
        {
            case LatestSequence latest:
                _localLatest = latest.Sequence;
                AskLocal(new GetLogId(_libraryId), Step.LocalLogId);
                break;
            case LibraryOpened opened:
                _localLatest = opened.LatestSequence;
                AskLocal(new GetLogId(_libraryId), Step.LocalLogId);
                break;
            case LibraryNotFound:
                // A follower that never held the library starts its log empty.
                AskLocal(new OpenLibrary(_libraryId), Step.LocalLatest);
                break;
            case InvalidRequest invalid:
                Halt($"the local host refuses to open the library: {invalid.Reason}");
                break;
            default:
                Lost($"the local host did not give its latest sequence: {Describe(reply)}");
                break;
        }
    }

    private void OnLocalLogId(object reply)
    {
        if (reply is not LogIdFound found)
        {
            Lost($"the local host did not give its log id: {Describe(reply)}");
            return;
        }

        _logId = found.LogId;
        AskLeader(new GetLeadership(_libraryId), Step.LeaderLeadership);
    }

    private void OnLeaderLeadership(object reply)
    {
        switch (reply)
        {
            case Leadership { IsThisDevice: false } other:
                Lost($"{_leader.Path} does not lead the library ({other.LeaderDeviceId ?? "nobody"} leads at term {other.Term})");
                break;
            case Leadership leadership when leadership.Term < Math.Max(1, _localTerm):
                Lost($"the leader's term {leadership.Term} is older than the term {_localTerm} this host knows");
                break;
            case Leadership leadership:
                _leaderTerm = leadership.Term;
                _leaderDeviceId = leadership.LeaderDeviceId;
                Context.Watch(_leader);
                Subscribe();
                break;
            default:
                Lost($"the leader did not give its leadership: {Describe(reply)}");
                break;
        }
    }

    private void Subscribe()
    {
        _nextExpected = _localLatest + 1;
        _feed = Context.ActorOf(LeaderFeed.Props(_leader, _libraryId, _localLatest, _settings.Window, _epoch), FeedName());
        Timers.StartSingleTimer(SubscribeTimer, new SubscribeTimedOut(_epoch), _settings.AskTimeout);
    }

    // The feed's name is a capability: only the leader it subscribes to learns its path, so no one else can push
    // entries into it (the feed hands up whatever reaches it). The epoch stays in it for logs.
    private string FeedName() =>
        $"feed-{_epoch}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(FeedNameRandomBytes))}";

    // ---- Following: pages in, one Replicate at a time, demand back after each ----

    private void OnFeed(object message)
    {
        switch (message)
        {
            case SubscriptionStarted started when _state == FollowerState.Connecting:
                Timers.Cancel(SubscribeTimer);
                _state = FollowerState.Following;
                _leaderLatest = started.LatestSequence;
                Publish(new FollowerConnected(_libraryId, _leader.Path.ToString(), _leaderTerm, started.AfterSequence, started.LatestSequence));
                if (_settings.HeartbeatInterval > TimeSpan.Zero)
                    Timers.StartPeriodicTimer(HeartbeatTimer, Heartbeat.Instance, _settings.HeartbeatInterval);
                if (_localLatest >= started.LatestSequence)
                {
                    _attempt = 0;
                    MarkCaughtUp();
                }

                // A leader new to this follower (a handover) learns at once how far it is.
                RequestAck();
                // And this host learns at once whom that leader waits for, in case it is the next leader.
                LearnFollowers();
                if (_settings.LearnFollowersInterval > TimeSpan.Zero)
                    Timers.StartPeriodicTimer(LearnTimer, LearnTick.Instance, _settings.LearnFollowersInterval);
                break;
            case SubscriptionEntries page when _state == FollowerState.Following:
                OnPage(page.Entries);
                break;
            case SubscriptionEnded { Reason: SubscriptionEndReason.Truncated } ended:
                _vacuumFloor = ended.VacuumedThroughSequence;
                LeaveState(FollowerState.ResyncRequired);
                _lastProblem = $"behind the leader's vacuum floor {ended.VacuumedThroughSequence}";
                _log.Warning("Follower of {0}: local log ends at {1}, the leader vacuumed through {2}; waiting for the app's ApproveResync",
                    _libraryId, _localLatest, ended.VacuumedThroughSequence);
                Publish(new ResyncRequired(_libraryId, _localLatest, ended.VacuumedThroughSequence));
                break;
            case SubscriptionEnded ended:
                Lost($"the leader ended the subscription ({ended.Reason}: {ended.Detail})");
                break;
            default:
                // A refusal of Subscribe or RequestEntries, or a push before the subscription started: start over.
                Lost($"the leader answered the subscription with {Describe(message)}");
                break;
        }
    }

    private void OnPage(IReadOnlyList<SyncLogEntry> entries)
    {
        if (entries.Count == 0)
            return;
        // Checked before buffering, so a broken page costs no local write; Replicate would refuse it too.
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Sequence != _nextExpected + i)
            {
                Lost($"the leader pushed sequence {entries[i].Sequence} where {_nextExpected + i} was due; resubscribing from {_localLatest}");
                return;
            }
        }

        _buffer.AddRange(entries);
        _nextExpected = entries[^1].Sequence + 1;
        _leaderLatest = Math.Max(_leaderLatest ?? 0, entries[^1].Sequence);
        ReplicateNext();
    }

    private void ReplicateNext()
    {
        if (_replicating || _buffer.Count == 0 || _state != FollowerState.Following)
            return;
        // Everything pushed while the last Replicate was written goes in one transaction (the writer-side analogue of
        // group commit): a backlog costs one commit per set, not one per pushed page.
        var count = Math.Min(_buffer.Count, _settings.MaxReplicateRows);
        var page = _buffer.GetRange(0, count);
        _buffer.RemoveRange(0, count);
        _replicating = true;
        _replicatingCount = count;
        AskLocal(new Replicate(_libraryId, page, _leaderTerm), Step.Replicate);
    }

    private void OnReplicateAnswer(Answer answer)
    {
        _replicating = false;
        if (answer.Reply is Replicated done)
            _localLatest = Math.Max(_localLatest, done.LatestSequence);
        if (answer.Epoch != _epoch)
        {
            // Unless a loss since sent it to the backoff, whose timer connects (and defers again if need be).
            if (_connectAfterWrite)
            {
                _connectAfterWrite = false;
                if (_state == FollowerState.Connecting)
                    Connect();
            }

            return;
        }

        switch (answer.Reply)
        {
            case Replicated:
                _attempt = 0;
                // The demand comes back only now: the leader never pushes more than the local log has taken.
                _leader.Tell(new RequestEntries(_libraryId, _feed!, _replicatingCount), _feed);
                if (_buffer.Count == 0 && _localLatest >= (_leaderLatest ?? 0))
                    MarkCaughtUp();
                RequestAck();
                ReplicateNext();
                break;
            case ReplicationRefused { Reason: ReplicationOutcome.Diverged } diverged:
                var at = diverged.ConflictingSequence ?? diverged.LocalLatestSequence + 1;
                _localLatest = diverged.LocalLatestSequence;
                LeaveState(FollowerState.Diverged);
                _lastProblem = $"the leader's entry {at} does not continue the local checksum chain";
                _log.Error("Follower of {0}: diverged from the leader at or before sequence {1}; replicating nothing more", _libraryId, at);
                Publish(new FollowerDiverged(_libraryId, at, _localLatest));
                break;
            case ReplicationRefused refused:
                _localLatest = refused.LocalLatestSequence;
                Lost($"the local host refused the page ({refused.Reason}{(refused.ConflictingSequence is { } s ? $" at {s}" : "")}); resubscribing from {_localLatest}");
                break;
            case StaleTerm stale:
                Lost($"the leader's term {_leaderTerm} is older than the term {stale.CurrentTerm} this host knows");
                break;
            case InvalidRequest invalid:
                Halt($"the local host refuses replication: {invalid.Reason}");
                break;
            default:
                Lost($"the local host did not replicate the page: {Describe(answer.Reply)}");
                break;
        }
    }

    private void MarkCaughtUp()
    {
        if (_caughtUp)
            return;
        _caughtUp = true;
        Publish(new FollowerCaughtUp(_libraryId, _localLatest));
    }

    private void OnHeartbeat()
    {
        if (_state != FollowerState.Following || _heartbeatInFlight)
            return;
        _heartbeatInFlight = true;
        AskLeader(new GetLeadership(_libraryId), Step.HeartbeatLeadership);
    }

    // A leader demoted while it stays up keeps the subscription open and pushes nothing more: without asking, this
    // follower would sit on it forever, caught up with a log that no longer grows.
    private void OnHeartbeatLeadership(object reply)
    {
        switch (reply)
        {
            case Leadership { IsThisDevice: true } leadership when leadership.Term == _leaderTerm:
                AskLeader(new GetLatestSequence(_libraryId), Step.Heartbeat);
                break;
            case Leadership leadership:
                _heartbeatInFlight = false;
                Lost($"{_leader.Path} no longer leads at term {_leaderTerm} ({leadership.LeaderDeviceId ?? "nobody"} leads at term {leadership.Term})");
                break;
            default:
                _heartbeatInFlight = false;
                Lost($"the leader did not answer the heartbeat: {Describe(reply)}");
                break;
        }
    }

    private void OnHeartbeatAnswer(object reply)
    {
        _heartbeatInFlight = false;
        if (reply is not LatestSequence latest)
        {
            Lost($"the leader did not answer the heartbeat: {Describe(reply)}");
            return;
        }

        _leaderLatest = Math.Max(_leaderLatest ?? 0, latest.Sequence);
        if (_localLatest >= _leaderLatest)
        {
            MarkCaughtUp();
            return;
        }

        _caughtUp = false;
        Publish(new FollowerLagging(_libraryId, _localLatest, _leaderLatest.Value));
    }

    // ---- Acknowledgements: what is durably replicated, for the leader's retention ----

    // At most one ack per ack-interval; the last position is always sent when the interval ends (trailing edge).
    private void RequestAck()
    {
        if (_ackThrottled)
            _ackPending = true;
        else
            SendAck();
    }

    private void SendAck()
    {
        // Never above what the leader holds: a log ahead of a new leader acknowledges only what the leader has.
        var sequence = Math.Min(_localLatest, _leaderLatest ?? _localLatest);
        if (_state != FollowerState.Following || _logId == Guid.Empty || sequence <= _ackSent)
            return;
        _ackSent = sequence;
        AskLeader(new AcknowledgeReplicated(_libraryId, _deviceId, _logId, sequence), Step.Ack);
        if (_settings.AckInterval > TimeSpan.Zero)
        {
            _ackThrottled = true;
            Timers.StartSingleTimer(AckTimer, AckTick.Instance, _settings.AckInterval);
        }
    }

    private void OnAckTick()
    {
        _ackThrottled = false;
        if (!_ackPending)
            return;
        _ackPending = false;
        SendAck();
    }

    private void OnAckAnswer(object reply)
    {
        switch (reply)
        {
            case ReplicationAcknowledged acknowledged:
                _acked = Math.Max(_acked, acknowledged.AckedSequence);
                break;
            case AcknowledgementRefused refused:
                _log.Warning("Follower of {0}: the leader does not count its acknowledgements ({1}: {2})", _libraryId, refused.Reason, refused.Detail);
                break;
            default:
                // Lost or refused: the next replicated page (or the next connection) acknowledges again.
                _log.Debug("Follower of {0}: acknowledgement not confirmed: {1}", _libraryId, Describe(reply));
                break;
        }
    }

    // ---- Handover: learning whom the leader waits for, so this host waits for them too once it leads ----

    private void LearnFollowers()
    {
        if (_state != FollowerState.Following || _learnInFlight || _leaderDeviceId is null)
            return;
        _learnInFlight = true;
        AskLeader(new GetFollowers(_libraryId), Step.LeaderFollowers);
    }

    private void OnLeaderFollowers(object reply)
    {
        _learnInFlight = false;
        if (reply is not FollowersFound found || _leaderDeviceId is not { } leader)
        {
            // Not a reason to leave the leader (an older leader may not serve GetFollowers): the next tick asks again.
            _log.Debug("Follower of {0}: the leader's followers not learned: {1}", _libraryId, Describe(reply));
            return;
        }

        // Answers of an earlier connection never get here (epoch), but the leader may have been deposed since this
        // connection judged its term: its view of the followers is not this follower's to keep (the heartbeat will notice).
        if (found.LeaderTerm != _leaderTerm)
        {
            _log.Debug("Follower of {0}: the leader's followers not learned: it answered at term {1}, followed at term {2}",
                _libraryId, found.LeaderTerm, _leaderTerm);
            return;
        }

        // The leader itself had at least what this host replicated from it: after a fail-over it is a follower to wait for.
        var followers = found.Followers
            .Where(f => !string.Equals(f.DeviceId, _deviceId, StringComparison.Ordinal)
                        && !string.Equals(f.DeviceId, leader, StringComparison.Ordinal))
            .Append(new KnownFollower(leader, _localLatest, DateTimeOffset.UtcNow))
            .ToList();
        Teach(new LearnFollowers(_libraryId, leader, _leaderTerm, followers));
    }

    // Only the newest report waits: one it replaces was never sent, so no request is left unanswered.
    private void Teach(LearnFollowers report)
    {
        if (_teaching)
        {
            _nextReport = report;
            return;
        }

        _teaching = true;
        AskLocal(report, Step.Learned);
    }

    private void OnLearned(object reply)
    {
        _teaching = false;
        if (reply is not FollowersLearned)
            _log.Warning("Follower of {0}: the local host did not keep the leader's followers: {1}", _libraryId, Describe(reply));
        if (_nextReport is { } next)
        {
            _nextReport = null;
            Teach(next);
        }
    }

    // ---- Leaving the leader: loss (backoff), divergence, halt, resync ----

    // Ends whatever the current attempt was doing; everything it still receives is ignored from now on.
    private void LeaveState(FollowerState next)
    {
        _epoch++;
        _state = next;
        _buffer.Clear();
        _heartbeatInFlight = false;
        _caughtUp = false;
        Timers.Cancel(HeartbeatTimer);
        Timers.Cancel(SubscribeTimer);
        Timers.Cancel(ReconnectTimer);
        Timers.Cancel(AckTimer);
        Timers.Cancel(LearnTimer);
        _learnInFlight = false;
        // A report of the connection left behind is not sent (one already sent is still answered, and fenced by its term).
        _nextReport = null;
        _ackThrottled = false;
        _ackPending = false;
        _ackSent = 0;
        if (_feed is not null)
        {
            Context.Stop(_feed);
            _feed = null;
        }
    }

    private void Lost(string reason)
    {
        LeaveState(FollowerState.Reconnecting);
        _attempt++;
        _lastProblem = reason;
        var delay = _settings.Backoff(_attempt);
        _log.Warning("Follower of {0}: {1}; reconnecting in {2} (attempt {3})", _libraryId, reason, delay, _attempt);
        Publish(new FollowerReconnecting(_libraryId, _attempt, delay, reason));
        Timers.StartSingleTimer(ReconnectTimer, new Reconnect(_epoch), delay);
    }

    private void Halt(string reason)
    {
        LeaveState(FollowerState.Halted);
        _lastProblem = reason;
        _log.Warning("Follower of {0} halted: {1}", _libraryId, reason);
        Publish(new FollowerHalted(_libraryId, reason));
    }

    private void OnFollowLeader(FollowLeader follow)
    {
        if (follow.Leader is null || follow.Leader.IsNobody())
        {
            Sender.Tell(new FollowerRequestRefused(_libraryId, "leader must be an actor, got none"));
            return;
        }

        AnswerResync(new FollowerRequestRefused(_libraryId, "the follower switched to another leader before the resync"));
        if (!follow.Leader.Equals(_leader))
            Context.Unwatch(_leader);
        _leader = follow.Leader;
        _attempt = 0;
        _lastProblem = null;
        _leaderLatest = null;
        Sender.Tell(new FollowingLeader(_libraryId, _leader.Path.ToString()));
        Connect();
    }

    private void OnApproveResync(ApproveResync approve)
    {
        if (_state != FollowerState.ResyncRequired)
        {
            Sender.Tell(new FollowerRequestRefused(_libraryId, $"no resync is pending (the follower is {_state})"));
            return;
        }

        if (approve.Sequence < _vacuumFloor || approve.Sequence > EntryValidator.MaxSequence)
        {
            Sender.Tell(new FollowerRequestRefused(_libraryId,
                $"sequence must be between the leader's vacuum floor {_vacuumFloor} and {EntryValidator.MaxSequence}, got {approve.Sequence}"));
            return;
        }

        LeaveState(FollowerState.Resyncing);
        _resync = (Sender, approve.Sequence);
        AskLeader(new GetChecksumAt(_libraryId, approve.Sequence), Step.ChecksumAt);
    }

    private void OnLeaderChecksum(object reply)
    {
        var sequence = _resync!.Value.Sequence;
        switch (reply)
        {
            case ChecksumFound { Checksum: { } checksum }:
                AskLocal(new ResyncFrom(_libraryId, sequence, checksum), Step.Resync);
                break;
            case ChecksumFound:
                // Vacuumed further meanwhile (or never written): connecting again finds the new floor and asks again.
                AnswerResync(new FollowerRequestRefused(_libraryId,
                    $"the leader has no checksum at {sequence} (vacuumed since, or not written yet); wait for the next ResyncRequired"));
                Connect();
                break;
            default:
                AnswerResync(new FollowerRequestRefused(_libraryId, $"the leader did not give its checksum at {sequence}: {Describe(reply)}"));
                Lost($"the leader did not give its checksum at {sequence}: {Describe(reply)}");
                break;
        }
    }

    private void OnResynced(object reply)
    {
        switch (reply)
        {
            case Resynced resynced:
                _localLatest = resynced.LatestSequence;
                _log.Info("Follower of {0}: local log resynced, continuing after {1}", _libraryId, resynced.LatestSequence);
                AnswerResync(new FollowerResynced(_libraryId, resynced.LatestSequence, resynced.VacuumedThroughSequence));
                Connect();
                break;
            case InvalidRequest invalid:
                AnswerResync(new FollowerRequestRefused(_libraryId, $"the local host refused the resync: {invalid.Reason}"));
                Halt($"the local host refuses the resync: {invalid.Reason}");
                break;
            default:
                AnswerResync(new FollowerRequestRefused(_libraryId, $"the local host did not resync: {Describe(reply)}"));
                Lost($"the local host did not resync: {Describe(reply)}");
                break;
        }
    }

    private void AnswerResync(object reply)
    {
        if (_resync is not { } pending)
            return;
        _resync = null;
        pending.Sender.Tell(reply);
    }

    // ---- Asking ----

    private void AskLocal(object request, Step step) => Ask(_local, request, step);

    private void AskLeader(object request, Step step) => Ask(_leader, request, step);

    // The answer comes back as a message of this epoch; a timeout or a dead target is an answer too (Status.Failure).
    private void Ask(IActorRef target, object request, Step step)
    {
        var epoch = _epoch;
        var self = Self;
        try
        {
            target.Ask<object>(request, _settings.AskTimeout).PipeTo(self,
                success: reply => new Answer(epoch, step, reply),
                failure: e => new Answer(epoch, step, new Status.Failure(e)));
        }
        catch (Exception e)
        {
            // E.g. the target's actor system is gone: the same as no answer.
            self.Tell(new Answer(epoch, step, new Status.Failure(e)));
        }
    }

    private static void Publish(IFollowerEvent e) => Context.System.EventStream.Publish(e);

    private static string Describe(object reply) => reply switch
    {
        Status.Failure { Cause: AskTimeoutException } => "no answer in time",
        Status.Failure failure => failure.Cause.Message,
        StorageFailure failure => $"storage failure: {failure.Reason}",
        InvalidRequest invalid => $"invalid request: {invalid.Reason}",
        LibraryNotFound => "the library has no log there",
        _ => reply.GetType().Name,
    };

    private enum Step
    {
        LocalLeadership,
        LocalLatest,
        LocalLogId,
        LeaderLeadership,
        Replicate,
        HeartbeatLeadership,
        Heartbeat,
        ChecksumAt,
        Resync,
        Ack,
        LeaderFollowers,
        Learned,
    }

    // The follower's own messages, never serialized: an Answer may carry a Status.Failure with a live exception.
    private sealed record Answer(long Epoch, Step Step, object Reply) : INoSerializationVerificationNeeded;

    private sealed record Reconnect(long Epoch) : INoSerializationVerificationNeeded;

    private sealed record SubscribeTimedOut(long Epoch) : INoSerializationVerificationNeeded;

    private sealed class Heartbeat : INoSerializationVerificationNeeded
    {
        public static readonly Heartbeat Instance = new();
    }

    private sealed class AckTick : INoSerializationVerificationNeeded
    {
        public static readonly AckTick Instance = new();
    }

    private sealed class LearnTick : INoSerializationVerificationNeeded
    {
        public static readonly LearnTick Instance = new();
    }
}
