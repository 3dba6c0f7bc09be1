namespace SyncLog.Actors.Writes;

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

    /// <summary>Entries of the append at the head of the queue (0 when the head is not an append or nothing waits).</summary>
    public int HeadAppendEntries => _waiting.First?.Value is PendingAppend append ? append.Entries.Count : 0;

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
