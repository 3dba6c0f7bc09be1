using Akka.Actor;
using Akka.Configuration;
using SyncLog.Actors;

namespace SyncLog.Cli.Tests;

/// <summary>
/// Base of the specs that run <c>synclog serve</c>, <c>follow</c> and <c>tail</c> as real processes beside this test's own
/// actor system (the writer): every process is killed and the temp root they live under removed afterwards.
/// </summary>
public abstract class ServedProcessesSpec(string suite) : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly Config Quiet = ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR");

    private readonly List<SynclogProcess> _processes = [];

    /// <summary>The temp folder every data dir and file of the spec lives under.</summary>
    protected string Root { get; } = Path.Combine(Path.GetTempPath(), suite, Guid.NewGuid().ToString("N"));

    /// <summary>This test's actor system, a remote client of the served hosts.</summary>
    protected ActorSystem Writer { get; private set; } = null!;

    public virtual Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        Writer = ActorSystem.Create("writer", Remoting.Client(tls: false).WithFallback(Quiet));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
            process.Dispose();
        if (Writer is not null)
            await Writer.Terminate();
        TempDirs.Remove(Root);
    }

    /// <summary>Starts synclog with exactly <paramref name="args"/>; it is killed when the spec ends if it still runs.</summary>
    protected SynclogProcess Start(params string[] args)
    {
        var process = new SynclogProcess(args);
        _processes.Add(process);
        return process;
    }

    /// <summary>
    /// Starts <c>synclog serve</c> and waits until it listens. Without a <c>--port</c> in <paramref name="more"/> it picks
    /// a free port itself (0), so specs running in parallel never race for one; the gateway is read from what it prints.
    /// </summary>
    protected async Task<(SynclogProcess Serve, string Gateway)> Serve(string dataDir, string hostDevice, params string[] more)
    {
        string[] port = more.Contains("--port") ? [] : ["--port", "0"];
        var serve = Start(["serve", "--data-dir", dataDir, "--host-device", hostDevice, .. port, .. more]);
        return (serve, await serve.WaitForGateway(Patience));
    }

    /// <summary>The served host's gateway at <paramref name="address"/>, as the writer reaches it.</summary>
    protected Task<IActorRef> ResolveGateway(string address) => Writer.ActorSelection(address).ResolveOne(Patience);

    /// <summary>The port of a gateway address, to serve a data dir again at the same address.</summary>
    protected static string PortOf(string gateway) =>
        ActorPath.Parse(gateway).Address.Port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Waits, within <see cref="Patience"/>, until <paramref name="condition"/> holds.</summary>
    protected static Task Until(Func<bool> condition, string what) => Eventually.Until(condition, Patience, () => what);

    /// <summary>As <see cref="Until(Func{bool}, string)"/>, failing at once if <paramref name="watched"/> ends, with all it printed.</summary>
    protected static Task Until(Func<bool> condition, SynclogProcess watched, string what) =>
        Eventually.Until(condition, Patience,
            () => $"{what}; stdout:\n{string.Join('\n', watched.Stdout)}\nstderr:\n{watched.Stderr}", () => watched.HasExited);
}
