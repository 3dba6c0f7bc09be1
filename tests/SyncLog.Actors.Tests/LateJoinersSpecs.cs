using Akka.Actor;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class LateJoinersSpecs
{
    [Fact]
    public void The_writer_takes_whole_appends_in_order_within_the_room_left()
    {
        var late = new LateJoiners();
        var (a, b, c) = (Append(2), Append(3), Append(1));
        late.TryAdd(a);
        late.TryAdd(b);
        late.TryAdd(c);

        var first = late.Take(4);   // a fits, b (3 more) does not, so c must not jump ahead of b
        var second = late.Take(10);

        Assert.Equal(a.Entries, first);
        Assert.Equal(b.Entries.Concat(c.Entries), second);
        Assert.Equal(0, late.WaitingEntries);
        Assert.Equal([a, b, c], late.Close().Joined);
    }

    [Fact]
    public void Nothing_joins_once_the_latency_budget_is_spent_and_it_waits_for_the_next_transaction()
    {
        var spent = false;
        var late = new LateJoiners(cap: 10, budgetSpent: () => spent);
        var (a, b) = (Append(1), Append(1));
        late.TryAdd(a);
        Assert.Equal(a.Entries, late.Take(10));
        late.TryAdd(b);

        spent = true;

        Assert.Empty(late.Take(10));
        Assert.Equal(1, late.WaitingEntries);
        var (joined, left) = late.Close();
        Assert.Equal([a], joined);
        Assert.Equal([b], left);
    }

    [Fact]
    public void Closing_returns_what_did_not_join_and_refuses_later_arrivals()
    {
        var late = new LateJoiners();
        var (a, b) = (Append(1), Append(1));
        late.TryAdd(a);
        late.Take(1);
        late.TryAdd(b);

        var (joined, left) = late.Close();

        Assert.Equal([a], joined);
        Assert.Equal([b], left);
        Assert.False(late.TryAdd(Append(1)));
        Assert.Empty(late.Take(100));
    }

    [Fact]
    public void Waiting_entries_count_toward_the_pending_bound_until_taken()
    {
        var late = new LateJoiners();
        late.TryAdd(Append(3));
        late.TryAdd(Append(2));

        Assert.Equal(5, late.WaitingEntries);
        late.Take(3);
        Assert.Equal(2, late.WaitingEntries);
    }

    private static PendingAppend Append(int entries)
    {
        var list = Enumerable.Range(0, entries)
            .Select(_ => new NewSyncLogEntry("d", DateTimeOffset.UtcNow, "tag", Guid.NewGuid().ToString(), ChangeType.Insert, "{}")).ToList();
        return new PendingAppend(new AppendBatch(Guid.NewGuid(), list), ActorRefs.Nobody, list, null, IsBatch: true);
    }
}
