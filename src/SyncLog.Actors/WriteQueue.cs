using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors;

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

/// <summary>A <see cref="Replicate"/> waiting to run alone on the write connection.</summary>
internal sealed record PendingReplicate(Replicate Replication, IActorRef ReplyTo) : PendingWrite(Replication, ReplyTo);

/// <summary>A <see cref="ResyncFrom"/> waiting to run alone on the write connection.</summary>
internal sealed record PendingResync(ResyncFrom Resync, IActorRef ReplyTo) : PendingWrite(Resync, ReplyTo);

/// <summary>
/// The writes waiting while one transaction is in flight, in arrival order. Consecutive appends (and refused appends
/// waiting to be answered in order) are gathered into one group commit up to the batch cap; a replication runs on its
/// own (as does a resync) so its outcome never mixes with appends.
/// </summary>
internal sealed class WriteQueue
{
    private readonly LinkedList<PendingWrite> _waiting = new();

    /// <summary>Entries in waiting appends; the bound behind <see cref="Overloaded"/>.</summary>
    public int PendingAppendEntries { get; private set; }

    public int Count => _waiting.Count;

    public void Enqueue(PendingWrite write)
    {
        _waiting.AddLast(write);
        if (write is PendingAppend append)
            PendingAppendEntries += append.Entries.Count;
    }

    /// <summary>Puts appends back at the front, in the given order: they arrived before everything still waiting.</summary>
    public void PrependRange(IReadOnlyList<PendingAppend> appends)
    {
        for (var i = appends.Count - 1; i >= 0; i--)
        {
            _waiting.AddFirst(appends[i]);
            PendingAppendEntries += appends[i].Entries.Count;
        }
    }

    /// <summary>
    /// The next group to write: one replication or resync, or consecutive appends holding at most <paramref name="maxEntries"/>
    /// entries (an <see cref="AppendBatch"/> larger than the cap still goes whole, alone: it is one transaction by contract).
    /// </summary>
    public IReadOnlyList<PendingWrite> TakeNext(int maxEntries)
    {
        var group = new List<PendingWrite>();
        var entries = 0;
        while (_waiting.First is { Value: var head })
        {
            if (head is PendingReplicate or PendingResync)
            {
                if (group.Count == 0)
                    Remove(head, group);
                break;
            }

            var size = head is PendingAppend append ? append.Entries.Count : 0;
            if (group.Count > 0 && entries + size > maxEntries)
                break;
            Remove(head, group);
            entries += size;
        }

        return group;
    }

    /// <summary>Removes and returns everything still waiting, in arrival order.</summary>
    public IReadOnlyList<PendingWrite> DrainAll()
    {
        var all = _waiting.ToList();
        _waiting.Clear();
        PendingAppendEntries = 0;
        return all;
    }

    private void Remove(PendingWrite write, List<PendingWrite> into)
    {
        _waiting.RemoveFirst();
        if (write is PendingAppend append)
            PendingAppendEntries -= append.Entries.Count;
        into.Add(write);
    }
}
