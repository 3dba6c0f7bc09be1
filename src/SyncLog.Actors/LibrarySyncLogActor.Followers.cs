using SyncLog.Storage;

namespace SyncLog.Actors;

// The log's identity, the followers' acknowledgements, and the followers learned from another leader (handover). Acks,
// forgets and learned sets run like reads (concurrently with the write pipeline, answered from the task), but on the
// log's one write connection: the writer's gate serializes them with appends, and an ack is judged against the latest
// sequence committed at that moment. Learned sets and forgets also run one after another, in the order they arrived.
public sealed partial class LibrarySyncLogActor
{
    // The LearnFollowers report or ForgetFollower stored last (null before any): the next starts once it has been
    // answered. A stop waits for the whole chain (each is tracked like a read), so every request queued here gets its
    // real outcome.
    private Task? _learning;

    private void HandleFollowers()
    {
        Receive<GetLogId>(_ =>
        {
            if (!Absent())
                Reply(new LogIdFound(_libraryId, _db!.LogId));
        });
        Receive<AcknowledgeReplicated>(ack =>
        {
            var invalid = Invalid(() =>
            {
                EntryValidator.RequireId(ack.FollowerDeviceId, nameof(AcknowledgeReplicated.FollowerDeviceId), "follower device id");
                if (ack.FollowerLogId == Guid.Empty)
                    throw new ArgumentException("follower log id must not be the empty GUID", nameof(AcknowledgeReplicated.FollowerLogId));
                EntryValidator.RequireSequence(ack.Sequence, nameof(AcknowledgeReplicated.Sequence));
            });
            if (invalid is not null)
                Reply(invalid);
            else if (string.Equals(ack.FollowerDeviceId, _settings.DeviceId, StringComparison.Ordinal))
                Reply(new AcknowledgementRefused(_libraryId, ack.FollowerDeviceId, ack.FollowerLogId, AcknowledgementRefusalReason.OwnDevice,
                    $"device '{ack.FollowerDeviceId}' is this host's own device; a host never waits for its own acknowledgements"));
            else
            {
                var allowReplace = !FromUnservedPeer();
                Read(db => db.AcknowledgeAsync(ack.FollowerDeviceId, ack.FollowerLogId, ack.Sequence, allowReplace),
                    result => Acknowledged(ack, result));
            }
        });
        Receive<GetFollowers>(_ =>
        {
            // The term as this request is judged: what the follower learns is fenced by it, as its pages are.
            var term = _pipeline!.Leadership.Term;
            Read(db => db.VouchedFollowersAsync(), followers => new FollowersFound(_libraryId, followers, term));
        });
        Receive<LearnFollowers>(learn =>
        {
            // What holds back this host's vacuum is an admin matter: only this process (a follower it runs) teaches it.
            if (FromUnservedPeer())
                Reply(new RequestNotServed(_libraryId, nameof(LearnFollowers),
                    "followers are learned only from this host's own follower; a remote peer cannot teach them " +
                    "(unless synclog.serve.allow-writes is on)"));
            else if (Invalid(() => SyncLogDb.ValidateLearned(learn.LeaderDeviceId, learn.LeaderTerm, learn.Followers)) is { } invalid)
                Reply(invalid);
            else if (string.Equals(learn.LeaderDeviceId, _settings.DeviceId, StringComparison.Ordinal))
                Reply(new InvalidRequest(_libraryId,
                    $"leader device id '{learn.LeaderDeviceId}' is this host's own device; a host learns followers only from another leader"));
            else if (_pipeline!.Leadership.IsLedBy(_settings.DeviceId))
                // Elected while its follower still follows the deposed leader: that leader's view (and a row for the
                // deposed leader, fresh on every report) must not replace what this host learned before it led.
                Reply(new InvalidRequest(_libraryId,
                    $"this device leads the library at term {_pipeline.Leadership.Term}; a leader learns no followers from another " +
                    "leader (its followers ack it)"));
            else if (learn.LeaderTerm < _pipeline.KnownTerm)
                // A deposed leader still running (or an old report landing late): the same fence as its pages meet.
                Reply(new StaleTerm(_libraryId, learn.LeaderTerm, _pipeline.KnownTerm, _pipeline.Leadership.LeaderDeviceId));
            else
            {
                // Stored one after another in arrival order, each once the one before has ended (stored, refused or
                // failed): the follower sends its next report when its ask of the last one times out, while that one
                // may still be writing, and a same-term report landing late would overwrite the newer one. The file
                // checks the term again against the report learned last, so an older term never lands over a newer one.
                var leader = _pipeline.Leadership.LeaderDeviceId;
                var seam = _seam;
                _learning = ReadAfter(_learning, async db =>
                    {
                        if (seam.BeforeLearning is { } hold)
                            await hold(_libraryId, learn);
                        return await db.ReplaceLearnedFollowersAsync(learn.LeaderDeviceId, learn.LeaderTerm, learn.Followers, _settings.DeviceId);
                    },
                    result => result.IsStale
                        ? new StaleTerm(_libraryId, learn.LeaderTerm, result.LearnedTerm, leader)
                        : new FollowersLearned(_libraryId, learn.LeaderDeviceId, result.Stored)) ?? _learning;
            }
        });
        Receive<ForgetFollower>(forget =>
        {
            if (Invalid(() => EntryValidator.RequireId(forget.FollowerDeviceId, nameof(ForgetFollower.FollowerDeviceId), "follower device id")) is { } invalid)
                Reply(invalid);
            else
                // In the learned reports' chain: a forget that arrived after a report is not undone by it.
                _learning = ReadAfter(_learning, db => db.ForgetFollowerAsync(forget.FollowerDeviceId),
                    known => new FollowerForgotten(_libraryId, forget.FollowerDeviceId, known)) ?? _learning;
        });
    }

    // A peer of a networked host that does not serve writes, or anyone on a host that refuses them: acks are recorded
    // (they are the follow side), but what only an admin may do (replace a device's log) is not. Judged as writes are, by
    // the token (a request through SyncLogHost.Supervisor), not by the sender: a peer can name a local actor as its sender.
    private bool FromUnservedPeer() =>
        _settings.RefuseWrites || (_networked && !_settings.ServeAllowWrites && _received is not LocalRequest);

    // A remote peer without writes sees followers' device ids, acks and lag, but not their log ids: knowing a device's
    // log id is what an ack as that device would need to count.
    private bool RedactFollowerLogs() => !_settings.ServeAllowWrites && Sender.Path.Address.HasGlobalScope;

    private object Acknowledged(AcknowledgeReplicated ack, FollowerAckResult result) => result.Outcome switch
    {
        FollowerAckOutcome.Recorded => new ReplicationAcknowledged(_libraryId, ack.FollowerDeviceId, ack.FollowerLogId, result.AckedSequence),
        FollowerAckOutcome.Forgotten => new AcknowledgementRefused(_libraryId, ack.FollowerDeviceId, ack.FollowerLogId,
            AcknowledgementRefusalReason.Forgotten,
            $"log {ack.FollowerLogId:D} of device '{ack.FollowerDeviceId}' was forgotten; its acks no longer count (a new log registers the device again)"),
        FollowerAckOutcome.ReplaceNotAllowed => new AcknowledgementRefused(_libraryId, ack.FollowerDeviceId, ack.FollowerLogId,
            AcknowledgementRefusalReason.ReplaceNotServed,
            $"device '{ack.FollowerDeviceId}' is known with another log; replacing it (a reset device) is an admin act this host " +
            "does not serve to remote peers: forget the device on the host (synclog forget-follower) or serve with --allow-writes"),
        _ => new AcknowledgementRefused(_libraryId, ack.FollowerDeviceId, ack.FollowerLogId, AcknowledgementRefusalReason.Replaced,
            $"device '{ack.FollowerDeviceId}' has since acknowledged with another log; the acks of its old log {ack.FollowerLogId:D} no longer count"),
    };
}
