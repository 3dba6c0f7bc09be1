namespace SyncLog.Storage;

/// <summary>
/// One-at-a-time access to a connection that can be closed: <see cref="Close"/> waits for the holder, then fails
/// every waiter and every later caller with <see cref="ObjectDisposedException"/> instead of leaving them queued forever.
/// </summary>
internal sealed class ClosableGate(string objectName) : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private readonly CancellationTokenSource _closing = new();

    /// <summary>Waits for the gate; throws <see cref="ObjectDisposedException"/> once it is closing.</summary>
    public async Task EnterAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closing.Token);
        try
        {
            await _semaphore.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ObjectDisposedException(objectName);
        }

        if (_closing.IsCancellationRequested)
        {
            _semaphore.Release();
            throw new ObjectDisposedException(objectName);
        }
    }

    /// <summary>Leaves the gate.</summary>
    public void Exit() => _semaphore.Release();

    /// <summary>Fails waiters at once, then waits for the current holder and keeps the gate shut for good.</summary>
    public void Close()
    {
        if (_closing.IsCancellationRequested)
            return;
        _closing.Cancel();
        _semaphore.Wait();
    }

    /// <summary>Closes the gate (if not yet) and frees its resources.</summary>
    public void Dispose()
    {
        Close();
        _closing.Dispose();
    }
}
