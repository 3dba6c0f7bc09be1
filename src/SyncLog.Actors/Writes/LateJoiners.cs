using SyncLog.Storage;

namespace SyncLog.Actors.Writes;

/// <summary>
/// Appends accepted while a group's transaction is being written, which the writer (on its own thread) may still add
/// to that transaction before it commits. The actor adds and, once the write is over, takes back what was not joined;
/// the writer takes. One lock keeps each append in exactly one place.
/// </summary>
/// <remarks>
/// Every append offered was judged under the leadership of the write it joins. When leadership changes the actor
/// seals the joiners before recording the change: from then on the writer takes nothing more, so no append judged
/// under an old term can join a transaction after a newer term is recorded; what was still waiting is judged again.
/// Once the transaction's latency budget is spent the writer takes nothing more either: it commits what it holds and
/// the rest waits for the next transaction.
/// </remarks>
internal sealed class LateJoiners(int cap = int.MaxValue, Func<bool>? budgetSpent = null)
{
    private readonly object _lock = new();
    private readonly List<PendingAppend> _waiting = [];
    private readonly List<PendingAppend> _joined = [];
    private int _waitingEntries;
    private bool _closed;

    /// <summary>Most entries the transaction may hold, late joiners included.</summary>
    public int Cap { get; } = cap;

    /// <summary>Entries accepted but not yet taken by the writer (they count toward the pending bound).</summary>
    public int WaitingEntries
    {
        get
        {
            lock (_lock)
                return _waitingEntries;
        }
    }

    /// <summary>Actor: offers an accepted append; false once the write is over.</summary>
    public bool TryAdd(PendingAppend append)
    {
        lock (_lock)
        {
            if (_closed)
                return false;
            _waiting.Add(append);
            _waitingEntries += append.Entries.Count;
            return true;
        }
    }

    /// <summary>Writer thread: whole appends, in arrival order, holding at most <paramref name="room"/> entries.</summary>
    public IReadOnlyList<NewSyncLogEntry> Take(int room)
    {
        lock (_lock)
        {
            if (_waiting.Count == 0 || budgetSpent?.Invoke() == true)
                return [];
            var parts = new List<IReadOnlyList<NewSyncLogEntry>>();
            var taken = 0;
            var count = 0;
            while (!_closed && taken < _waiting.Count && count + _waiting[taken].Entries.Count <= room)
            {
                parts.Add(_waiting[taken].Entries);
                count += _waiting[taken].Entries.Count;
                _joined.Add(_waiting[taken]);
                taken++;
            }

            _waiting.RemoveRange(0, taken);
            _waitingEntries -= count;
            // Each append keeps the form its actor prepared it in (encoded and chained), so the writer only links them.
            return PreparedAppend.Concat(parts);
        }
    }

    /// <summary>
    /// Actor, on a leadership change or a stop: the writer takes nothing more from now on; returns, in order, the
    /// appends still waiting (they go back to the queue to be judged again, or are answered).
    /// </summary>
    public IReadOnlyList<PendingAppend> Seal()
    {
        lock (_lock)
        {
            _closed = true;
            var left = _waiting.ToList();
            _waiting.Clear();
            _waitingEntries = 0;
            return left;
        }
    }

    /// <summary>Actor, after the write: what joined the transaction, and what did not (to be written next), both in order.</summary>
    public (IReadOnlyList<PendingAppend> Joined, IReadOnlyList<PendingAppend> Left) Close()
    {
        lock (_lock)
        {
            _closed = true;
            var left = _waiting.ToList();
            _waiting.Clear();
            _waitingEntries = 0;
            return (_joined, left);
        }
    }
}
