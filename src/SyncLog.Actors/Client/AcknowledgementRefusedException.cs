namespace SyncLog.Actors;

/// <summary>
/// A follower's ack was refused with <see cref="AcknowledgementRefused"/>: it names this host's own device, or a log
/// that was forgotten or replaced by the device's newer log. It does not count; resending it will not change that.
/// </summary>
public sealed class AcknowledgementRefusedException(AcknowledgementRefused reply)
    : SyncLogException(reply.LibraryId, reply, $"library {reply.LibraryId:D}: acknowledgement refused ({reply.Reason}): {reply.Detail}")
{
    /// <summary>Why the ack does not count.</summary>
    public AcknowledgementRefusalReason Reason { get; } = reply.Reason;
}
