using System.Globalization;
using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>How followers and what they hold back read on the command line, in tables and in JSON alike.</summary>
internal static class FollowerText
{
    /// <summary>One follower, for a table row: acked sequence, lag behind <paramref name="latest"/>, log id, last ack.</summary>
    public static string Describe(FollowerAck follower, long latest) => string.Create(CultureInfo.InvariantCulture,
        $"acked {follower.AckedSequence:N0}, lag {follower.LagBehind(latest):N0}, log {follower.LogId:D}, last ack {Output.Time(follower.LastAckAt)}");

    /// <summary>One follower as JSON.</summary>
    public static object Json(FollowerAck follower, long latest) => new
    {
        device_id = follower.DeviceId,
        log_id = follower.LogId,
        acked_sequence = follower.AckedSequence,
        lag = follower.LagBehind(latest),
        last_ack_at = follower.LastAckAt,
    };

    /// <summary>One follower learned from another leader, for a table row: acked sequence, lag, whose word, last ack there.</summary>
    public static string Describe(LearnedFollower learned, long latest) => string.Create(CultureInfo.InvariantCulture,
        $"acked {learned.AckedSequence:N0}, lag {learned.LagBehind(latest):N0}, learned from {learned.LearnedFrom}, last ack {Output.Time(learned.LastAckAt)}");

    /// <summary>One follower learned from another leader, as JSON.</summary>
    public static object Json(LearnedFollower learned, long latest) => new
    {
        device_id = learned.DeviceId,
        acked_sequence = learned.AckedSequence,
        lag = learned.LagBehind(latest),
        last_ack_at = learned.LastAckAt,
        learned_from = learned.LearnedFrom,
        learned_at = learned.LearnedAt,
    };

    /// <summary>What a vacuum held back, as JSON; null when nothing was.</summary>
    public static object? HoldJson(VacuumHold? hold, long latest) => hold is null
        ? null
        : new
        {
            from_sequence = hold.FromSequence,
            entries = hold.Entries,
            followers = hold.Followers.Select(f => Json(f, latest)).ToList(),
            learned_followers = (hold.LearnedFollowers ?? []).Select(l => Json(l, latest)).ToList(),
        };

    /// <summary>One line saying which expired entries a vacuum kept and for whom.</summary>
    public static string HoldLine(VacuumHold hold, bool dryRun)
    {
        var who = string.Join(", ", hold.Followers.Select(f =>
            string.Create(CultureInfo.InvariantCulture, $"{f.DeviceId} (acked {f.AckedSequence:N0}, last ack {Output.Time(f.LastAckAt)})")).Concat(
            (hold.LearnedFollowers ?? []).Select(l => string.Create(CultureInfo.InvariantCulture,
                $"{l.DeviceId} (acked {l.AckedSequence:N0}, learned from {l.LearnedFrom}, last ack {Output.Time(l.LastAckAt)})"))));
        return string.Create(CultureInfo.InvariantCulture,
            $"{(dryRun ? "would keep" : "kept")} {hold.Entries:N0} expired entries from sequence {hold.FromSequence:N0} on for followers that have not acknowledged them: {who} (synclog forget-follower drops a lost device; entries older than synclog.max-retention go anyway)");
    }
}
