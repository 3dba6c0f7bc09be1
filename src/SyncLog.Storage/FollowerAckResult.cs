namespace SyncLog.Storage;

/// <summary>The answer to <see cref="SyncLogDb.AcknowledgeAsync(string, Guid, long, bool, CancellationToken)"/>.</summary>
/// <param name="Outcome">Whether the ack was recorded, or why not.</param>
/// <param name="AckedSequence">What now counts for the device's log when recorded (at least the ack's sequence); 0 otherwise.</param>
public sealed record FollowerAckResult(FollowerAckOutcome Outcome, long AckedSequence);
