using Akka.Actor;
using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

public sealed class WriteQueueSpecs
{
    private static readonly Guid Library = Guid.NewGuid();

    [Fact]
    public void Consecutive_appends_are_grouped_up_to_the_cap_in_arrival_order()
    {
        var queue = new WriteQueue();
        var appends = Enumerable.Range(0, 5).Select(_ => Append(1)).ToList();
        appends.ForEach(queue.Enqueue);

        Assert.Equal(appends.Take(3), queue.TakeNext(maxEntries: 3));
        Assert.Equal(appends.Skip(3), queue.TakeNext(maxEntries: 3));
        Assert.Empty(queue.TakeNext(maxEntries: 3));
        Assert.Equal(0, queue.PendingAppendEntries);
    }

    [Fact]
    public void A_batch_larger_than_the_cap_goes_whole_and_alone()
    {
        var queue = new WriteQueue();
        var small = Append(1);
        var big = Append(10);
        queue.Enqueue(small);
        queue.Enqueue(big);

        Assert.Equal([small], queue.TakeNext(maxEntries: 4));
        Assert.Equal([big], queue.TakeNext(maxEntries: 4));
    }

    [Fact]
    public void A_replication_runs_alone_between_append_groups()
    {
        var queue = new WriteQueue();
        var first = Append(1);
        IReadOnlyList<SyncLogEntry> entries =
            [new SyncLogEntry(0, 1, "leader", DateTimeOffset.UtcNow, "tag", "r", ChangeType.Insert, 1, "{}")];
        var replicate = new PendingReplicate(new Replicate(Library, entries, 1), ActorRefs.Nobody,
            SyncLogDb.PrepareReplication(entries));
        var last = Append(1);
        queue.Enqueue(first);
        queue.Enqueue(replicate);
        queue.Enqueue(last);

        Assert.Equal([first], queue.TakeNext(100));
        Assert.Equal([replicate], queue.TakeNext(100));
        Assert.Equal([last], queue.TakeNext(100));
    }

    [Fact]
    public void Refused_appends_keep_their_place_and_do_not_count_against_the_bound()
    {
        var queue = new WriteQueue();
        var before = Append(2);
        var refused = new PendingReply(new object(), ActorRefs.Nobody, new Overloaded(Library, 2));
        var after = Append(2);
        queue.Enqueue(before);
        queue.Enqueue(refused);
        queue.Enqueue(after);

        Assert.Equal(4, queue.PendingAppendEntries);
        Assert.Equal([before, refused, after], queue.TakeNext(4));
    }

    private static PendingAppend Append(int entries)
    {
        var list = Enumerable.Range(0, entries)
            .Select(_ => new NewSyncLogEntry("d", DateTimeOffset.UtcNow, "tag", "r", ChangeType.Insert, "{}")).ToList();
        return new PendingAppend(new AppendBatch(Library, list), ActorRefs.Nobody, list, null, IsBatch: true);
    }
}
