namespace SyncLog.Actors;

/// <summary>
/// The supervisor's account of <c>synclog.max-open-libraries</c>: which libraries have an actor (and so may hold their
/// file open), least recently used first, and which wait for a slot, first come first served. No actor inside; a
/// <paramref name="cap"/> of 0 means no limit.
/// </summary>
internal sealed class LibrarySlots(int cap)
{
    private readonly LinkedList<Guid> _byUse = new();
    private readonly Dictionary<Guid, LinkedListNode<Guid>> _open = [];
    private readonly LinkedList<Guid> _waiting = new();
    private readonly Dictionary<Guid, LinkedListNode<Guid>> _waitingNodes = [];

    /// <summary>Most libraries open at once; 0 = no limit.</summary>
    public int Cap { get; } = cap;

    /// <summary>Libraries with an actor, passivating ones included (their files are open until they stop).</summary>
    public int OpenCount => _open.Count;

    /// <summary>Libraries waiting for a slot.</summary>
    public int WaitingCount => _waiting.Count;

    /// <summary>A library may start now without taking anyone's turn.</summary>
    public bool HasRoom => Cap == 0 || _open.Count < Cap;

    /// <summary>Open libraries, least recently used first.</summary>
    public IEnumerable<Guid> LeastRecentlyUsed => _byUse;

    /// <summary>A library's actor was started: it is the most recently used.</summary>
    public void Opened(Guid library) => _open[library] = _byUse.AddLast(library);

    /// <summary>A request was routed to an open library: it becomes the most recently used.</summary>
    public void Used(Guid library)
    {
        // Only the order of eviction needs this; without a cap nothing is ever evicted.
        if (Cap == 0 || !_open.TryGetValue(library, out var node) || node.Next is null)
            return;
        _byUse.Remove(node);
        _byUse.AddLast(node);
    }

    /// <summary>A library's actor stopped: its slot is free.</summary>
    public void Closed(Guid library)
    {
        if (_open.Remove(library, out var node))
            _byUse.Remove(node);
    }

    /// <summary>A library joins the end of the queue for a slot.</summary>
    public void Wait(Guid library) => _waitingNodes[library] = _waiting.AddLast(library);

    /// <summary>A library gives up waiting (its requests were refused).</summary>
    public void StopWaiting(Guid library)
    {
        if (_waitingNodes.Remove(library, out var node))
            _waiting.Remove(node);
    }

    /// <summary>The library first in the queue, if there is room for it; it leaves the queue.</summary>
    public bool TryTakeSlot(out Guid library)
    {
        library = Guid.Empty;
        if (!HasRoom || _waiting.First is not { } first)
            return false;
        library = first.Value;
        StopWaiting(library);
        return true;
    }
}
