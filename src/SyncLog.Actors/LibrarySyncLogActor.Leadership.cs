using Akka.Actor;
using Akka.Event;
using SyncLog.Storage;

namespace SyncLog.Actors;

// Leadership: one change recorded at a time (later ones wait their turn), judged against the recorded leadership;
// the pipeline decides when each acknowledgement may leave.
public sealed partial class LibrarySyncLogActor
{
    private void HandleLeadership()
    {
        Receive<GetLeadership>(_ =>
        {
            var leadership = _pipeline!.Leadership;
            Reply(new Leadership(_libraryId, leadership.LeaderDeviceId, leadership.Term, leadership.IsLedBy(_settings.DeviceId)));
        });
        Receive<LeadershipChanged>(change =>
        {
            OnLeadershipChanged(change, Sender);
            Settle();
        });
        Receive<LeaderRecorded>(recorded =>
        {
            if (_recording is not { } recording)
                return;
            _recording = null;
            _pipeline!.LeadershipRecorded(_pipeline.Leadership.Apply(recorded.Elected), recording.Change, recording.ReplyTo);
            _log.Info("Library {0}: {1} leads from term {2}", _libraryId, recorded.Elected.LeaderDeviceId, recorded.Elected.Term);
            WriteNext();
            NextLeadershipChange();
        });
        Receive<LeaderNotRecorded>(refused =>
        {
            if (_recording is not { } recording)
                return;
            _recording = null;
            recording.ReplyTo.Tell(new StorageFailure(_libraryId, refused.Reason));
            _pipeline!.LeadershipNotRecorded();
            WriteNext();
            NextLeadershipChange();
        });
    }

    private void OnLeadershipChanged(LeadershipChanged change, IActorRef replyTo)
    {
        // Capped like sequences: a term of long.MaxValue would leave no higher term for the next election.
        if (string.IsNullOrWhiteSpace(change.LeaderDeviceId) || change.Term < 1 || change.Term > EntryValidator.MaxSequence)
        {
            replyTo.Tell(new InvalidRequest(_libraryId, $"leadership needs a leader device id and a term of at least 1 and at most {EntryValidator.MaxSequence} (2^53-1), got '{change.LeaderDeviceId}' at term {change.Term}"));
            return;
        }

        if (_recording is not null)
        {
            _leadershipWaiting.Enqueue((change, replyTo));
            Settle();
            return;
        }

        var pipeline = _pipeline!;
        switch (pipeline.Leadership.Judge(change.LeaderDeviceId, change.Term))
        {
            case LeadershipDecision.Current:
                // A repeat (elections retry) is acknowledged under the same rule as the first: not while a write of
                // an older term may still commit.
                pipeline.Acknowledge(change, replyTo, change.Term);
                break;
            case LeadershipDecision.Stale:
                replyTo.Tell(new StaleTerm(_libraryId, change.Term, pipeline.Leadership.Term, pipeline.Leadership.LeaderDeviceId));
                break;
            case LeadershipDecision.Newer:
                _recording = (change, replyTo);
                Settle();
                pipeline.BeginLeadershipChange();
                _journal!.Tell(new RecordLeader(new LeaderElected(change.LeaderDeviceId, change.Term)));
                break;
        }
    }

    private void NextLeadershipChange()
    {
        while (_recording is null && _leadershipWaiting.TryDequeue(out var waiting))
            OnLeadershipChanged(waiting.Change, waiting.ReplyTo);
    }
}
