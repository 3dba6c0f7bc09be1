namespace SyncLog.Actors;

/// <summary>The log refused a write with <see cref="NotLeader"/>: this device does not lead the library.</summary>
public sealed class NotLeaderException(NotLeader reply)
    : SyncLogException(reply.LibraryId, reply,
        $"library {reply.LibraryId:D}: this device does not lead it; {reply.LeaderDeviceId ?? "no device"} leads at term {reply.Term}")
{
    /// <summary>The device that leads the library, or null before any election.</summary>
    public string? LeaderDeviceId { get; } = reply.LeaderDeviceId;

    /// <summary>The library's current term.</summary>
    public long Term { get; } = reply.Term;
}
