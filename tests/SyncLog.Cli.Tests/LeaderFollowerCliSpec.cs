namespace SyncLog.Cli.Tests;

/// <summary>Base of the command specs between two devices: a second data dir, the follower's, next to the leader's.</summary>
public abstract class LeaderFollowerCliSpec : CliSpec
{
    protected Synclog Follower { get; } = new();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Follower.Dispose();
        base.Dispose(disposing);
    }
}
