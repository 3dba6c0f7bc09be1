using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace SyncLog.Cli.Tests;

/// <summary>
/// A long-running <c>synclog</c> process (serve, follow) started as a user would, its output collected as it comes, so
/// a spec can wait for a line, interrupt it (Ctrl-C) or kill it outright (SIGKILL, as a crash would).
/// </summary>
public sealed class SynclogProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    public SynclogProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "synclog.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment.Remove("SYNCLOG_DATA_DIR");
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _stdout.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public string Stderr => string.Join('\n', _stderr);

    public bool HasExited => _process.HasExited;

    /// <summary>The process id, as a <c>serve.json</c> names it.</summary>
    public int Id => _process.Id;

    /// <summary>Waits until a line of stdout contains <paramref name="text"/>; fails with everything printed if it never does.</summary>
    public Task<string> WaitForLine(string text, TimeSpan patience) => WaitFor(_stdout, text, patience);

    /// <summary>Waits until a line of stderr contains <paramref name="text"/>; fails with everything printed if it never does.</summary>
    public Task<string> WaitForErrorLine(string text, TimeSpan patience) => WaitFor(_stderr, text, patience);

    /// <summary>
    /// Waits until serve prints that it listens (<c>serving DIR at GATEWAY</c>) and gives that gateway address, with the
    /// port the OS gave it under <c>--port 0</c>.
    /// </summary>
    public async Task<string> WaitForGateway(TimeSpan patience)
    {
        var line = await WaitForLine("serving ", patience);
        return line[(line.LastIndexOf(" at ", StringComparison.Ordinal) + " at ".Length)..];
    }

    private async Task<string> WaitFor(ConcurrentQueue<string> lines, string text, TimeSpan patience)
    {
        string? found = null;
        await Eventually.Until(() => (found = lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal))) is not null, patience,
            () => $"no line with '{text}'; stdout:\n{string.Join('\n', _stdout)}\nstderr:\n{Stderr}", () => _process.HasExited);
        return found!;
    }

    /// <summary>Ctrl-C, then waits for the exit code.</summary>
    public Task<int> Interrupt(TimeSpan patience) => Signal("-INT", patience);

    /// <summary>SIGTERM, as a service manager (systemd, docker stop) stops a process, then waits for the exit code.</summary>
    public Task<int> Terminate(TimeSpan patience) => Signal("-TERM", patience);

    private async Task<int> Signal(string signal, TimeSpan patience)
    {
        using (var kill = Process.Start("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        return await Exit(patience);
    }

    /// <summary>SIGKILL: the process dies at once, as in a crash or a power cut of its machine.</summary>
    public async Task KillHard(TimeSpan patience)
    {
        _process.Kill(entireProcessTree: true);
        await Exit(patience);
    }

    /// <summary>Waits for the process to end by itself and gives its exit code.</summary>
    public async Task<int> Exit(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
