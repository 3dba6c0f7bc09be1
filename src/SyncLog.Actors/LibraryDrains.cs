using System.Collections.Concurrent;
using Akka.Actor;

namespace SyncLog.Actors;

/// <summary>
/// Actor-system extension through which a stopped library actor tells its supervisor when it has really finished: its
/// write in flight answered and its file closed. The supervisor answers what it held for that library (or found in
/// its dead letters) only then, so one sender's append replies stay in order across a stop.
/// </summary>
internal sealed class LibraryDrains : IExtension
{
    private readonly ConcurrentDictionary<Guid, Task> _draining = new();

    public static LibraryDrains Get(ActorSystem system) => system.WithExtension<LibraryDrains, LibraryDrainsProvider>();

    /// <summary>A stopped library: <paramref name="drained"/> completes once its last answers have left.</summary>
    public void Draining(Guid libraryId, Task drained)
    {
        if (drained.IsCompleted)
            return;
        _draining[libraryId] = drained;
        drained.ContinueWith(_ => _draining.TryRemove(new KeyValuePair<Guid, Task>(libraryId, drained)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Runs <paramref name="answer"/> once the library's last stopped incarnation has drained (at once if it has).</summary>
    public void AfterDrained(Guid libraryId, Action answer)
    {
        if (_draining.TryGetValue(libraryId, out var drained) && !drained.IsCompleted)
            drained.ContinueWith(_ => answer(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        else
            answer();
    }
}

/// <summary>Creates the <see cref="LibraryDrains"/> extension.</summary>
internal sealed class LibraryDrainsProvider : ExtensionIdProvider<LibraryDrains>
{
    public override LibraryDrains CreateExtension(ExtendedActorSystem system) => new();
}
