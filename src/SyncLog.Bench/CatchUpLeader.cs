using System.Diagnostics;
using System.Text;
using Akka.Configuration;
using SyncLog.Actors;

namespace SyncLog.Bench;

/// <summary>
/// The leader of section 11 in a process of its own: this benchmark started again with <see cref="Option"/>, serving
/// a seeded data dir over Akka.Remote on loopback as <c>synclog serve</c> does (reads and following only). It prints
/// its gateway's address and serves until its standard input closes, so it never outlives the benchmark that started
/// it, even one that is killed.
/// </summary>
internal sealed class CatchUpLeader : IAsyncDisposable
{
    /// <summary>The hidden option that turns this program into the leader process: <c>--serve-catch-up-leader DIR</c>.</summary>
    public const string Option = "--serve-catch-up-leader";

    private const string GatewayLine = "gateway ";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly Task _draining;

    private CatchUpLeader(Process process, string gateway, StringBuilder output)
    {
        _process = process;
        _output = output;
        Gateway = gateway;
        // Whatever it logs later (Akka logs to standard output) is kept, so a full pipe never blocks it.
        _draining = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (output)
                    output.AppendLine(line);
            }
        });
    }

    /// <summary>The served gateway's address, as remote peers select it.</summary>
    public string Gateway { get; }

    /// <summary>The leader process's id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>CPU time the leader process has used so far, on every thread.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>What the leader process printed besides its address (its warnings and errors), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Starts the leader process on <paramref name="dataDir"/> (already seeded and not in use) and waits until it serves.</summary>
    public static async Task<CatchUpLeader> StartAsync(string dataDir)
    {
        // The running dotnet host when there is one (dotnet run, dotnet test), else the one on PATH; then this assembly.
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { typeof(CatchUpLeader).Assembly.Location, Option, dataDir })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {dotnet} for the catch-up leader");
        var output = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
                output.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(timeout.Token);
                    lock (output)
                        throw new InvalidOperationException($"the catch-up leader exited with {process.ExitCode} before serving: {output}");
                }

                if (line.StartsWith(GatewayLine, StringComparison.Ordinal))
                    return new CatchUpLeader(process, line[GatewayLine.Length..], output);
                lock (output)
                    output.AppendLine(line);
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The leader process's side: serves <paramref name="dataDir"/> read-only until standard input closes (the
    /// benchmark ended or died), then stops the host.
    /// </summary>
    public static async Task<int> ServeAsync(string dataDir)
    {
        var config = SyncLogRemoting.Server("127.0.0.1", 0, publicHost: null, tls: false, allowWrites: false)
            .WithFallback(ConfigurationFactory.ParseString($"""
                akka.loglevel = WARNING
                synclog.data-dir = {SyncLogConfig.Quote(dataDir)}
                synclog.data-dir-env = ""
                synclog.device-id = leader
                """));
        await using var host = SyncLogHost.Start(config, SyncLogRemoting.SystemName);
        host.StartGateway();
        Console.Out.WriteLine(GatewayLine + SyncLogRemoting.GatewayAddress(host.System));
        await Console.Out.FlushAsync();
        await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>Closes the leader's standard input so it stops its host and exits; kills it if it does not in time.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(Patience);
            await _process.WaitForExitAsync(timeout.Token);
            await _draining;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
