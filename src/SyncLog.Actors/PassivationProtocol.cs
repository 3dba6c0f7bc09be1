namespace SyncLog.Actors;

/// <summary>Child to supervisor: this library has been idle; stop me and hold its messages until I am gone.</summary>
internal sealed record Passivate(Guid LibraryId);

/// <summary>Supervisor to child: finish what is in flight, close the file and stop. Sent after every forwarded message.</summary>
internal sealed record StopWhenIdle
{
    public static StopWhenIdle Instance { get; } = new();
}
