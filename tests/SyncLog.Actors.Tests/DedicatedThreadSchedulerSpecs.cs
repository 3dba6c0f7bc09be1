namespace SyncLog.Actors.Tests;

public sealed class DedicatedThreadSchedulerSpecs
{
    [Fact]
    public async Task Work_runs_on_the_schedulers_own_threads_never_more_at_once_than_it_has()
    {
        using var scheduler = new DedicatedThreadScheduler(2, "spec-io");
        var running = 0;
        var peak = 0;
        var threads = new System.Collections.Concurrent.ConcurrentBag<string?>();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => scheduler.Run(async () =>
        {
            threads.Add(Thread.CurrentThread.Name);
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            Thread.SpinWait(200_000);
            Interlocked.Decrement(ref running);
            await Task.CompletedTask;
            return 0;
        })));

        Assert.All(threads, name => Assert.StartsWith("spec-io-", name, StringComparison.Ordinal));
        Assert.InRange(peak, 1, 2);
        Assert.False(Thread.CurrentThread.Name?.StartsWith("spec-io-", StringComparison.Ordinal) ?? false);
    }

    [Fact]
    public async Task A_failure_in_the_work_reaches_the_caller()
    {
        using var scheduler = new DedicatedThreadScheduler(1, "spec-io");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            scheduler.Run<int>(() => throw new InvalidOperationException("disk on fire")));

        Assert.Equal("disk on fire", error.Message);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
