using Akka.Configuration;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Base of the specs that create (and terminate) their own actor systems and hosts, as device "device-a" over one temp
/// data dir of their own, which is removed afterwards.
/// </summary>
public abstract class DataDirSpec : IDisposable
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected string DataDir { get; } =
        Path.Combine(Path.GetTempPath(), "synclog-actor-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        TempDirs.Remove(DataDir);
        GC.SuppressFinalize(this);
    }

    /// <summary>The host config over <see cref="DataDir"/>, as <see cref="SyncLogSpec.ConfigFor"/> builds it for every actor spec.</summary>
    protected Config Overrides() => SyncLogSpec.ConfigFor(DataDir, "device-a");
}
