using Akka.Hosting;
using SyncLog.Actors;
using SyncLog.Hosting;
using SyncLog.Storage;

namespace SyncLog.Hosting.Tests;

/// <summary>
/// Base of the hosted specs: a generic host started by Akka.Hosting.TestKit with <c>WithSyncLog</c> on a fresh temp
/// data dir as device "device-a". Each spec owns its data dir and removes it once the host has stopped.
/// </summary>
public abstract class SyncLogHostedSpec(ITestOutputHelper output, Action<SyncLogOptions>? configure = null)
    : Akka.Hosting.TestKit.TestKit(output: output)
{
    protected const string ThisDevice = "device-a";
    protected const string OtherDevice = "device-b";
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected string DataDir { get; } = NewDataDir();

    protected SyncLogClient Client => ActorRegistry.GetSyncLogClient(Patience);

    public static string NewDataDir() => Path.Combine(Path.GetTempPath(), "synclog-hosting-tests", Guid.NewGuid().ToString("N"));

    public static NewSyncLogEntry Entry(int n = 0, string device = ThisDevice, string model = "album", string? record = null,
        DateTimeOffset? at = null) =>
        new(device, at ?? DateTimeOffset.UtcNow, model, record ?? Guid.NewGuid().ToString(), ChangeType.Insert,
            $$"""{"n":{{n}}}""");

    /// <summary>
    /// The options of a spec's host: <paramref name="dataDir"/> only (no environment override), as <paramref name="device"/>,
    /// with <c>synchronous = normal</c>: fewer fsyncs, still safe against a process crash, the worst a spec causes.
    /// </summary>
    public static SyncLogOptions OptionsFor(string dataDir, string device) => new()
    {
        DataDir = dataDir,
        DataDirEnvironmentVariable = "",
        DeviceId = device,
        Storage = { Synchronous = SynchronousMode.Normal },
    };

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        var options = OptionsFor(DataDir, ThisDevice);
        configure?.Invoke(options);
        builder.WithSyncLog(options);
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        TempDirs.Remove(DataDir);
    }
}
