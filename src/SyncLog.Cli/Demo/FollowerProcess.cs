using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SyncLog.Cli.Demo;

/// <summary>
/// The demo's separate follower: this same program run as a child process, <c>synclog follow --json</c>, whose JSON
/// Lines events the demo reads and shows. It is killed when disposed and when this process exits, and stops by itself
/// when this process is gone (<c>--exit-with-parent</c>, for a SIGKILL), so the demo never leaves it running.
/// </summary>
internal sealed class FollowerProcess : IDisposable
{
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly List<string> _stderr = [];
    private readonly Action<JsonElement> _onEvent;

    private FollowerProcess(ProcessStartInfo start, Action<JsonElement> onEvent)
    {
        _onEvent = onEvent;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnStdout(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_stderr)
                _stderr.Add(e.Data);
        };
        _process.Start();
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The events printed so far, in order.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_events)
                return [.. _events];
        }
    }

    /// <summary>What the process wrote to stderr, for a failed check's detail.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
                return string.Join(" | ", _stderr);
        }
    }

    /// <summary>
    /// Starts <c>synclog <paramref name="args"/> --exit-with-parent PID</c> (a command that takes it: follow) the way this
    /// process was started: the apphost (<c>dotnet run</c>, an installed tool) runs again, <c>dotnet synclog.dll</c> runs the
    /// same dll again.
    /// </summary>
    public static FollowerProcess Start(IEnumerable<string> args, Action<JsonElement> onEvent)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("the demo cannot find its own program to start the follower process");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(FollowerProcess).Assembly.Location);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // Killed with SIGKILL, this process cannot stop its child: the child watches for that itself.
        start.ArgumentList.Add("--exit-with-parent");
        start.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var process = new FollowerProcess(start, onEvent);
        process._process.StandardInput.Close();
        return process;
    }

    /// <summary>
    /// Waits until an event satisfies <paramref name="condition"/>; false if none did in time or the process ended.
    /// Throws <see cref="OperationCanceledException"/> once <paramref name="ct"/> is cancelled.
    /// </summary>
    public async Task<bool> WaitForAsync(Func<JsonElement, bool> condition, TimeSpan patience, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Events.Any(condition))
                return true;
            if (_process.HasExited)
                return Events.Any(condition);
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }

        return false;
    }

    /// <summary>
    /// Ctrl-C (SIGINT), as a user stops <c>synclog follow</c>, then waits for its exit code; killed outright where
    /// that cannot be sent or is not obeyed in time (what it replicated is durable either way). Null when killed.
    /// </summary>
    public async Task<int?> StopAsync()
    {
        // Already gone (the terminal's Ctrl-C reaches the whole process group, the NAS included): it was not killed.
        if (_process.HasExited)
            return _process.ExitCode;
        if (!OperatingSystem.IsWindows() && !_process.HasExited)
        {
            try
            {
                using var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]);
                await interrupt.WaitForExitAsync();
                using var patience = new CancellationTokenSource(StopPatience);
                await _process.WaitForExitAsync(patience.Token);
                return _process.ExitCode;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException)
            {
                // No kill(1) on this machine, or the process did not stop in time: kill it below.
            }
        }

        Kill();
        return null;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Kill();
        _process.Dispose();
    }

    private void OnStdout(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return;
        JsonElement e;
        try
        {
            using var json = JsonDocument.Parse(line);
            e = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            lock (_stderr)
                _stderr.Add($"not JSON on stdout: {line}");
            return;
        }

        lock (_events)
            _events.Add(e);
        _onEvent(e);
    }

    private void OnProcessExit(object? sender, EventArgs e) => Kill();

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(StopPatience);
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
    }
}
