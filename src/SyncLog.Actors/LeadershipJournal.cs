using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace SyncLog.Actors;

/// <summary>
/// A library actor's child that keeps its leadership durable with Akka.Persistence. Kept apart from the library actor
/// so a journal that cannot be replayed or written stops only this child: the library actor lives on, answers every
/// request it holds and retries later.
/// </summary>
internal sealed class LeadershipJournal : ReceivePersistentActor
{
    private readonly Guid _libraryId;
    private readonly SyncLogSettings _settings;
    private LeadershipState _leadership = LeadershipState.None;
    private long _highestReplicatedTerm;

    public LeadershipJournal(Guid libraryId, SyncLogSettings settings)
    {
        _libraryId = libraryId;
        _settings = settings;
        JournalPluginId = settings.JournalPluginId;
        SnapshotPluginId = settings.SnapshotPluginId;

        Recover<LeaderElected>(e => _leadership = _leadership.Apply(e));
        Recover<ReplicatedTermSeen>(e => _highestReplicatedTerm = Math.Max(_highestReplicatedTerm, e.Term));
        Recover<SnapshotOffer>(offer =>
        {
            switch (offer.Snapshot)
            {
                case LeadershipState state:
                    _leadership = state;
                    break;
                case LeadershipJournalState state:
                    (_leadership, _highestReplicatedTerm) = (state.Leadership, state.HighestReplicatedTerm);
                    break;
            }
        });
        Recover<RecoveryCompleted>(_ => Context.Parent.Tell(new LeadershipRecovered(_leadership, _highestReplicatedTerm)));

        Command<RecordLeader>(record => Persist(record.Elected, elected =>
        {
            _leadership = _leadership.Apply(elected);
            SnapshotNow();
            Context.Parent.Tell(new LeaderRecorded(elected));
        }));
        Command<RecordReplicatedTerm>(record =>
        {
            if (record.Term <= _highestReplicatedTerm)
            {
                Context.Parent.Tell(new ReplicatedTermRecorded(record.Term));
                return;
            }

            Persist(new ReplicatedTermSeen(record.Term), seen =>
            {
                _highestReplicatedTerm = Math.Max(_highestReplicatedTerm, seen.Term);
                SnapshotNow();
                Context.Parent.Tell(new ReplicatedTermRecorded(seen.Term));
            });
        });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => Context.GetLogger().Warning("Library {0}: leadership snapshot failed: {1}", _libraryId, f.Cause.Message));
    }

    /// <inheritdoc />
    public override string PersistenceId => $"synclog-leadership-{_libraryId:D}";

    public static Props Props(Guid libraryId, SyncLogSettings settings) =>
        Akka.Actor.Props.Create(() => new LeadershipJournal(libraryId, settings));

    /// <inheritdoc />
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        Context.Parent.Tell(new JournalFailed(
            $"the leadership journal in '{_settings.HostDbPath}' could not be replayed: {reason.Message}"));
        base.OnRecoveryFailure(reason, message);
    }

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The page waiting for this term is answered first; the library then fails as a whole.
        if (@event is ReplicatedTermSeen seen)
            Context.Parent.Tell(new ReplicatedTermNotRecorded(seen.Term, $"the replicated term could not be persisted to '{_settings.HostDbPath}': {cause.Message}"));
        Context.Parent.Tell(new JournalFailed(
            $"leadership could not be persisted to '{_settings.HostDbPath}': {cause.Message}"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        if (@event is LeaderElected)
            Context.Parent.Tell(new LeaderNotRecorded($"leadership was rejected by the journal: {cause.Message}"));
        else if (@event is ReplicatedTermSeen seen)
            Context.Parent.Tell(new ReplicatedTermNotRecorded(seen.Term, $"the replicated term was rejected by the journal: {cause.Message}"));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private void SnapshotNow()
    {
        if (LastSequenceNr % _settings.SnapshotEvery == 0)
            SaveSnapshot(new LeadershipJournalState(_leadership, _highestReplicatedTerm));
    }
}
