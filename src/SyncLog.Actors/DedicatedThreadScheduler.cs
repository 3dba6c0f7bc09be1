using System.Collections.Concurrent;

namespace SyncLog.Actors;

/// <summary>
/// A <see cref="TaskScheduler"/> with threads of its own. SQLite commits block a thread for an fsync; on the shared
/// thread pool they would queue behind actor mailbox runs (and starve them), so the log's writes run here instead.
/// </summary>
internal sealed class DedicatedThreadScheduler : TaskScheduler, IDisposable
{
    [ThreadStatic]
    private static bool _onWorker;

    private readonly BlockingCollection<Task> _queue = [];
    private readonly int _threads;

    public DedicatedThreadScheduler(int threads, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _threads = threads;
        for (var i = 0; i < threads; i++)
        {
            // Background threads: an app that forgets to dispose the host can still exit.
            new Thread(Work) { IsBackground = true, Name = $"{name}-{i}" }.Start();
        }
    }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => _threads;

    /// <summary>Work waiting for a thread: what the specs count to see that an operation was queued once.</summary>
    public int QueuedCount => _queue.Count;

    /// <summary>Runs <paramref name="work"/> on one of this scheduler's threads.</summary>
    public Task<T> Run<T>(Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    /// <summary>Stops taking work; the threads finish what is queued and exit.</summary>
    public void Dispose() => _queue.CompleteAdding();

    /// <inheritdoc />
    protected override void QueueTask(Task task) => _queue.Add(task);

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _onWorker && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        _onWorker = true;
        foreach (var task in _queue.GetConsumingEnumerable())
            TryExecuteTask(task);
    }
}
