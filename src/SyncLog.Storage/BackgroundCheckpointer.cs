namespace SyncLog.Storage;

/// <summary>
/// Copies committed WAL frames back into <c>sync.db</c> on a connection and thread of its own, so the writer's commits
/// do not pay for checkpoints. A passive checkpoint never blocks the writer; once the WAL is fully copied, the next
/// write starts it over from the beginning, so it stays small. The writer's own <c>wal_autocheckpoint</c> remains
/// as a backstop should this fall behind.
/// </summary>
internal sealed class BackgroundCheckpointer(string filePath, SyncLogDbOptions options) : IDisposable
{
    /// <summary>WAL frames (pages) written since the last checkpoint that trigger the next one, as SQLite's default does.</summary>
    public const int FramesPerCheckpoint = 1000;

    /// <summary>The writer connection's <c>wal_autocheckpoint</c>: only reached if background checkpoints fall behind.</summary>
    public const int BackstopFrames = SyncLogDb.WriterWalAutoCheckpointFrames;

    private readonly Lock _sync = new();
    private long _framesSinceCheckpoint;
    private Task _running = Task.CompletedTask;

    /// <summary>
    /// Called by the writer after each commit. A row dirties about one random page of the record index, and a commit
    /// a few more (table, sequence and time index tails, the state row): close enough to schedule checkpoints.
    /// </summary>
    public void Committed(int rows)
    {
        lock (_sync)
        {
            _framesSinceCheckpoint += rows + 5;
            if (_framesSinceCheckpoint < FramesPerCheckpoint || !_running.IsCompleted)
                return;
            _framesSinceCheckpoint = 0;
            _running = Task.Run(Checkpoint);
        }
    }

    /// <summary>
    /// Runs a checkpoint now, after any in progress, and waits for it: used after a vacuum has truncated the
    /// database, so the file on disk shrinks without waiting for the next thousand frames.
    /// </summary>
    public async Task CheckpointNowAsync()
    {
        Task previous;
        lock (_sync)
            previous = _running;
        await previous;
        Task now;
        lock (_sync)
        {
            _framesSinceCheckpoint = 0;
            now = _running = _running.IsCompleted ? Task.Run(Checkpoint) : _running.ContinueWith(_ => Checkpoint(), TaskScheduler.Default);
        }

        await now;
    }

    /// <summary>Waits for a checkpoint in progress, so the file can be closed.</summary>
    public void Dispose()
    {
        Task running;
        lock (_sync)
            running = _running;
        running.Wait();
    }

    private void Checkpoint()
    {
        try
        {
            using var connection = SqliteConnectionFactory.Open(filePath, options, readOnly: false);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            command.ExecuteNonQuery();
        }
#pragma warning disable CA1031 // Any failure here is harmless and must not surface on the writer or at dispose.
        catch (Exception)
        {
            // A passive checkpoint that cannot run now (busy, I/O) only leaves the WAL longer until the next one;
            // the writer's backstop checkpoint still bounds it. Nothing committed is at stake.
        }
#pragma warning restore CA1031
    }
}
