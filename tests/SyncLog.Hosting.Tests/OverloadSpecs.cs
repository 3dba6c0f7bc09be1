using Microsoft.Data.Sqlite;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Hosting.Tests;

/// <summary>A hosted log with a pending bound of 2 whose writer is held up by an outside write transaction.</summary>
public sealed class OverloadSpecs(ITestOutputHelper output)
    : SyncLogHostedSpec(output, options => options.MaxPendingAppends = 2)
{
    [Fact]
    public async Task Appends_beyond_the_pending_bound_throw_SyncLogOverloadedException_and_the_rest_commit()
    {
        var library = Guid.NewGuid();
        var client = Client;
        await client.ChangeLeadershipAsync(library, ThisDevice, term: 1);
        await client.AppendAsync(library, Entry(0));

        Task<long>[] appends;
        using (var blocker = new SqliteConnection($"Data Source={SyncLogDb.PathFor(library, DataDir)};Pooling=False"))
        {
            blocker.Open();
            using var transaction = blocker.BeginTransaction(deferred: false);
            // One goes in flight and blocks on the outside transaction, two wait, the rest are refused.
            appends = Enumerable.Range(1, 6).Select(i => client.AppendAsync(library, Entry(i))).ToArray();
            await Task.WhenAny(Task.WhenAll(appends), Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken));
            transaction.Rollback();
        }

        var refused = new List<SyncLogOverloadedException>();
        var committed = new List<long>();
        foreach (var append in appends)
        {
            try
            {
                committed.Add(await append);
            }
            catch (SyncLogOverloadedException e)
            {
                refused.Add(e);
            }
        }

        Assert.Equal([2L, 3L, 4L], committed);
        Assert.Equal(3, refused.Count);
        Assert.All(refused, e => Assert.Equal((library, 2), (e.LibraryId, e.PendingAppends)));
        Assert.All(refused, e => Assert.IsType<Overloaded>(e.Reply));
    }
}
