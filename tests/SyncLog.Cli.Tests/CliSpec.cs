namespace SyncLog.Cli.Tests;

/// <summary>Base of the command specs: one library and a device's data dir that the synclog under test runs on, removed afterwards.</summary>
public abstract class CliSpec : IDisposable
{
    /// <summary>The device that leads <see cref="Library"/> in most specs.</summary>
    protected Synclog Leader { get; } = new();

    protected string Library { get; } = Guid.NewGuid().ToString();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
            Leader.Dispose();
    }
}
