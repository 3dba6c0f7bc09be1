namespace SyncLog.Hosting;

/// <summary>The <c>synclog.follower</c> settings of every library follower the host starts; null keeps the HOCON default.</summary>
public sealed class SyncLogFollowerOptions
{
    /// <summary><c>synclog.follower.page-size</c>: the unit of the subscription's demand.</summary>
    public int? PageSize { get; set; }

    /// <summary><c>synclog.follower.prefetch-pages</c>: pages the leader may push ahead of the one being written.</summary>
    public int? PrefetchPages { get; set; }

    /// <summary><c>synclog.follower.max-replicate-rows</c>: most entries replicated in one local transaction.</summary>
    public int? MaxReplicateRows { get; set; }

    /// <summary><c>synclog.follower.ask-timeout</c>: how long a request may take before the follower counts the leader lost.</summary>
    public TimeSpan? AskTimeout { get; set; }

    /// <summary><c>synclog.follower.backoff-min</c>: the first reconnect delay, doubled per failed attempt.</summary>
    public TimeSpan? BackoffMin { get; set; }

    /// <summary><c>synclog.follower.backoff-max</c>: the longest reconnect delay.</summary>
    public TimeSpan? BackoffMax { get; set; }

    /// <summary><c>synclog.follower.backoff-random-factor</c>: up to this fraction (0 to 1) added to a delay at random.</summary>
    public double? BackoffRandomFactor { get; set; }

    /// <summary><c>synclog.follower.heartbeat-interval</c>: how often the leader's leadership and latest sequence are asked; zero turns it off.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary><c>synclog.follower.ack-interval</c>: at most one acknowledgement to the leader per interval; zero acks every page.</summary>
    public TimeSpan? AckInterval { get; set; }
}
