using SyncLog.Storage;

namespace SyncLog.Bench.Tests;

/// <summary>The stand-in writer hands out sequences as the real writer would, so the actor path it measures is the real one.</summary>
public sealed class StandInWriterSpecs
{
    [Fact]
    public async Task Sequences_run_on_across_late_joiners_and_transactions()
    {
        var rows = Payloads.Make(10);
        var writer = new StandInWriter(0);
        var joiners = new Queue<IReadOnlyList<NewSyncLogEntry>>([rows[3..5], rows[5..6]]);
        var offered = new List<int>();

        var first = await writer.AppendAsync(rows[..3], room =>
        {
            offered.Add(room);
            return joiners.Count > 0 ? joiners.Dequeue() : [];
        }, maxEntries: 8);
        var second = await writer.AppendAsync(rows[6..], _ => [], maxEntries: 8);

        Assert.Equal([1L, 2, 3, 4, 5, 6], first);
        Assert.Equal([5, 3, 2], offered);
        Assert.Equal([7L, 8, 9, 10], second);
        Assert.Equal(10, await writer.LatestSequenceAsync());
    }

    [Fact]
    public async Task A_full_transaction_takes_no_late_joiner()
    {
        var rows = Payloads.Make(4);
        var asked = false;

        var sequences = await new StandInWriter(0).AppendAsync(rows, _ =>
        {
            asked = true;
            return rows[..1];
        }, maxEntries: 4);

        Assert.Equal(4, sequences.Count);
        Assert.False(asked);
    }
}
