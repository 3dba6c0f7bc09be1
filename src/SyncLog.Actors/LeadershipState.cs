namespace SyncLog.Actors;

/// <summary>Journal event: <paramref name="LeaderDeviceId"/> was elected leader of the library at <paramref name="Term"/>.</summary>
public sealed record LeaderElected(string LeaderDeviceId, long Term);

/// <summary>
/// A library's leader and term, rebuilt from <see cref="LeaderElected"/> events. Terms only grow: a lower term,
/// or the same term naming another device, is refused, so a deposed leader can never be reinstated by a late message.
/// </summary>
public sealed record LeadershipState(string? LeaderDeviceId, long Term)
{
    /// <summary>No election has happened yet.</summary>
    public static LeadershipState None { get; } = new(null, 0);

    /// <summary>The state after <paramref name="elected"/>.</summary>
    public LeadershipState Apply(LeaderElected elected) => this with { LeaderDeviceId = elected.LeaderDeviceId, Term = elected.Term };

    /// <summary>True when <paramref name="deviceId"/> is the current leader.</summary>
    public bool IsLedBy(string deviceId) => LeaderDeviceId is not null && string.Equals(LeaderDeviceId, deviceId, StringComparison.Ordinal);

    /// <summary>Whether a proposed leadership is new (persist it), already current (ack), or stale (refuse).</summary>
    public LeadershipDecision Judge(string leaderDeviceId, long term) =>
        term > Term ? LeadershipDecision.Newer
        : term == Term && IsLedBy(leaderDeviceId) ? LeadershipDecision.Current
        : LeadershipDecision.Stale;
}

/// <summary>How <see cref="LeadershipState.Judge"/> classifies a proposed leadership.</summary>
public enum LeadershipDecision
{
    /// <summary>A higher term: record it.</summary>
    Newer,

    /// <summary>Exactly the current leader and term: acknowledge again, nothing to record.</summary>
    Current,

    /// <summary>A lower term, or the current term with another device: refuse.</summary>
    Stale,
}
