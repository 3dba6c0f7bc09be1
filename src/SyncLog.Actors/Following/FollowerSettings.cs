using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>The <c>synclog.follower</c> settings of every <see cref="LibraryFollower"/> (see <c>hocon/synclog.hocon</c>).</summary>
public sealed record FollowerSettings
{
    /// <summary>The unit of the subscription's demand (given back per replicated set) and of <see cref="PrefetchPages"/>.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>
    /// Most entries replicated in one <see cref="Replicate"/> (one local transaction): the pages pushed while the previous
    /// one was written go into one, as group commit does for appends, up to this many.
    /// </summary>
    public int MaxReplicateRows { get; init; } = 10_000;

    /// <summary>Pages the leader may push ahead of the one being written: the subscription's demand is <see cref="PageSize"/> times this.</summary>
    public int PrefetchPages { get; init; } = 8;

    /// <summary>How long any request to the leader or the local host may take before the follower counts it lost.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first reconnect delay; each further failed attempt doubles it.</summary>
    public TimeSpan BackoffMin { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest reconnect delay.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Up to this fraction is added to each delay at random, so followers of one leader do not reconnect in step.</summary>
    public double BackoffRandomFactor { get; init; } = 0.2;

    /// <summary>How often a following follower asks whether the leader still leads, then its latest sequence (a demoted leader, lag, a leader that went silent); zero turns it off.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// At most one <see cref="AcknowledgeReplicated"/> per interval (the latest position is sent when it ends);
    /// <see cref="TimeSpan.Zero"/> acknowledges after every replicated page.
    /// </summary>
    public TimeSpan AckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a following follower learns the leader's followers (<see cref="GetFollowers"/>, then
    /// <see cref="LearnFollowers"/> to its own host), besides on every connect; <see cref="TimeSpan.Zero"/>: only on connect.
    /// </summary>
    public TimeSpan LearnFollowersInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest <see cref="MaxReplicateRows"/> allowed: one transaction's entries are held in memory at once.</summary>
    public const int MaxReplicateRowsLimit = 100_000;

    /// <summary>The demand the follower keeps open on its subscription.</summary>
    public long Window => (long)PageSize * PrefetchPages;

    /// <summary>
    /// The delay before reconnect attempt <paramref name="attempt"/> (1 for the first): <see cref="BackoffMin"/> doubled per
    /// earlier attempt, plus up to <see cref="BackoffRandomFactor"/> of it at random, never more than <see cref="BackoffMax"/>.
    /// </summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = Math.Min(BackoffMax.Ticks, BackoffMin.Ticks * Math.Pow(2, exponent));
        var jitter = 1 + (Random.Shared.NextDouble() * BackoffRandomFactor);
        return TimeSpan.FromTicks((long)Math.Min(BackoffMax.Ticks, ticks * jitter));
    }

    /// <summary>Reads <c>synclog.follower</c> from the <c>synclog</c> section.</summary>
    /// <exception cref="ConfigurationException">A setting is out of range.</exception>
    public static FollowerSettings FromConfig(Config synclog)
    {
        ArgumentNullException.ThrowIfNull(synclog);
        var settings = new FollowerSettings
        {
            PageSize = SyncLogSettings.WholeNumber(synclog, "follower.page-size"),
            PrefetchPages = SyncLogSettings.WholeNumber(synclog, "follower.prefetch-pages"),
            MaxReplicateRows = SyncLogSettings.WholeNumber(synclog, "follower.max-replicate-rows"),
            AskTimeout = synclog.GetTimeSpan("follower.ask-timeout"),
            BackoffMin = synclog.GetTimeSpan("follower.backoff-min"),
            BackoffMax = synclog.GetTimeSpan("follower.backoff-max"),
            BackoffRandomFactor = synclog.GetDouble("follower.backoff-random-factor"),
            HeartbeatInterval = synclog.GetTimeSpan("follower.heartbeat-interval"),
            AckInterval = synclog.GetTimeSpan("follower.ack-interval"),
            LearnFollowersInterval = synclog.GetTimeSpan("follower.learn-followers-interval"),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Checks every value; the message names the key, what was given and what is allowed.</summary>
    /// <exception cref="ConfigurationException">A setting is out of range.</exception>
    public void Validate()
    {
        Require(PageSize is >= 1 and <= SyncLogDb.MaxFetchLimit,
            $"synclog.follower.page-size must be between 1 and {SyncLogDb.MaxFetchLimit}, got {PageSize}");
        Require(PrefetchPages is >= 1 and <= 16, $"synclog.follower.prefetch-pages must be between 1 and 16, got {PrefetchPages}");
        Require(MaxReplicateRows is >= 1 and <= MaxReplicateRowsLimit,
            $"synclog.follower.max-replicate-rows must be between 1 and {MaxReplicateRowsLimit}, got {MaxReplicateRows}");
        Require(AskTimeout > TimeSpan.Zero, $"synclog.follower.ask-timeout must be positive, got {SyncLogSettings.Hocon(AskTimeout)}");
        Require(BackoffMin > TimeSpan.Zero, $"synclog.follower.backoff-min must be positive, got {SyncLogSettings.Hocon(BackoffMin)}");
        Require(BackoffMax >= BackoffMin, $"synclog.follower.backoff-max must be at least backoff-min ({SyncLogSettings.Hocon(BackoffMin)}), got {SyncLogSettings.Hocon(BackoffMax)}");
        Require(BackoffRandomFactor is >= 0 and <= 1,
            $"synclog.follower.backoff-random-factor must be between 0 and 1, got {BackoffRandomFactor}");
        Require(AckInterval >= TimeSpan.Zero, $"synclog.follower.ack-interval must be 0 (every page) or positive, got {SyncLogSettings.Hocon(AckInterval)}");
        Require(HeartbeatInterval >= TimeSpan.Zero, $"synclog.follower.heartbeat-interval must be 0 (off) or positive, got {SyncLogSettings.Hocon(HeartbeatInterval)}");
        Require(LearnFollowersInterval >= TimeSpan.Zero,
            $"synclog.follower.learn-followers-interval must be 0 (only on connect) or positive, got {SyncLogSettings.Hocon(LearnFollowersInterval)}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
            throw new ConfigurationException(message);
    }
}
