namespace SyncLog.Actors;

/// <summary>The log refused a request with <see cref="StaleTerm"/>: its term does not match the library's current term.</summary>
public sealed class StaleTermException(StaleTerm reply)
    : SyncLogException(reply.LibraryId, reply,
        $"library {reply.LibraryId:D}: term {reply.RequestedTerm} is stale; the current term is {reply.CurrentTerm}, led by {reply.CurrentLeaderDeviceId ?? "no device"}")
{
    /// <summary>The term the request carried.</summary>
    public long RequestedTerm { get; } = reply.RequestedTerm;

    /// <summary>The library's current term.</summary>
    public long CurrentTerm { get; } = reply.CurrentTerm;

    /// <summary>The device that leads at <see cref="CurrentTerm"/>, or null.</summary>
    public string? CurrentLeaderDeviceId { get; } = reply.CurrentLeaderDeviceId;
}
