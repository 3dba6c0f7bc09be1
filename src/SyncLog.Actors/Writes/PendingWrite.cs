using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Writes;

/// <summary>A write waiting for the library's single write connection, with the request and sender to answer.</summary>
internal abstract record PendingWrite(object Request, IActorRef ReplyTo);

/// <summary>An <see cref="Append"/> or <see cref="AppendBatch"/> waiting to join a group commit.</summary>
internal sealed record PendingAppend(object Request, IActorRef ReplyTo, IReadOnlyList<NewSyncLogEntry> Entries,
    long? ExpectedTerm, bool IsBatch) : PendingWrite(Request, ReplyTo);

/// <summary>
/// An append already refused (bad input, not leader, overloaded) whose reply must still wait its turn, so a sender's
/// append replies always come in the order it sent the appends.
/// </summary>
internal sealed record PendingReply(object Request, IActorRef ReplyTo, object Reply) : PendingWrite(Request, ReplyTo);

/// <summary>
/// A <see cref="Replicate"/> waiting to run alone on the write connection, with its entries already checked and encoded
/// (<see cref="SyncLogDb.PrepareReplication"/>) when it arrived, so the write only links the set to the head and inserts.
/// </summary>
internal sealed record PendingReplicate(Replicate Replication, IActorRef ReplyTo, PreparedReplication Prepared)
    : PendingWrite(Replication, ReplyTo);

/// <summary>A <see cref="ResyncFrom"/> waiting to run alone on the write connection.</summary>
internal sealed record PendingResync(ResyncFrom Resync, IActorRef ReplyTo) : PendingWrite(Resync, ReplyTo);
