using SyncLog.Storage;

namespace SyncLog.Actors;

// The log's identity and the followers' acknowledgements. Acks are judged here against the latest sequence in memory.
public sealed partial class LibrarySyncLogActor
{
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
            {
                Reply(invalid);
                return;
            }

            if (string.Equals(ack.FollowerDeviceId, _settings.DeviceId, StringComparison.Ordinal))
            {
                Reply(new AcknowledgementRefused(_libraryId, ack.FollowerDeviceId, ack.FollowerLogId, AcknowledgementRefusalReason.OwnDevice,
                    $"device '{ack.FollowerDeviceId}' is this host's own device; a host never waits for its own acknowledgements"));
                return;
            }

            if (Absent())
                return;
            if (ack.Sequence > _latest)
            {
                Reply(new InvalidRequest(_libraryId,
                    $"acknowledged sequence {ack.Sequence} is above this log's latest sequence {_latest}; a follower can only have replicated what the log holds"));
                return;
            }

            // Not recorded yet: the durable follower table comes with the retention rules.
            Reply(new ReplicationAcknowledged(_libraryId, ack.FollowerDeviceId, ack.FollowerLogId, ack.Sequence));
        });
        Receive<ForgetFollower>(forget =>
        {
            if (Invalid(() => EntryValidator.RequireId(forget.FollowerDeviceId, nameof(ForgetFollower.FollowerDeviceId), "follower device id")) is { } invalid)
                Reply(invalid);
            else if (!Absent())
                Reply(new FollowerForgotten(_libraryId, forget.FollowerDeviceId, WasKnown: false));
        });
    }
}
