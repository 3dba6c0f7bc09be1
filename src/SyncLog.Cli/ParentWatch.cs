using System.Diagnostics;
using System.Globalization;

namespace SyncLog.Cli;

/// <summary>
/// Ends a command once the process that started it is gone: the demo's <c>synclog follow</c> child, whose parent may be
/// killed with SIGKILL and so never gets to stop it (no signal reaches a child when its parent dies).
/// </summary>
/// <remarks>
/// A process is its id and its start time: once the parent is gone the system may give its id to another process, which
/// must not keep this one running. The start time is taken when the command starts (<see cref="Identify"/>).
/// </remarks>
internal static class ParentWatch
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // In /proc/PID/stat after the command name's closing parenthesis: state is field 3, starttime field 22.
    private const int StateField = 0;
    private const int StartTimeField = 19;

    /// <summary>
    /// Process <paramref name="pid"/> as it runs now (its start time), or null when no such process runs: taken as early
    /// as possible, so the id cannot have been reused yet.
    /// </summary>
    public static ParentProcess? Identify(int pid) => StartTimeOf(pid) is { } started ? new ParentProcess(pid, started) : null;

    /// <summary>
    /// A token cancelled with <paramref name="ct"/> or within about a second of <paramref name="parent"/> ending (or its
    /// id being taken by another process), saying so on stderr; dispose the source when the command is done.
    /// </summary>
    public static CancellationTokenSource Start(ParentProcess parent, CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = source.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                while (IsRunning(parent))
                    await Task.Delay(Interval, token);
                Console.Error.WriteLine($"synclog: process {parent.Pid}, which started this one, is gone; stopping");
                source.Cancel();
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                // The command ended first.
            }
        }, CancellationToken.None);
        return source;
    }

    /// <summary>True while the process identified runs: same id and same start time.</summary>
    public static bool IsRunning(ParentProcess parent) => StartTimeOf(parent.Pid) == parent.StartTime;

    /// <summary>
    /// When process <paramref name="pid"/> started, in a unit of the system's own that is exact for a given process
    /// (Linux: clock ticks since boot; elsewhere: UTC ticks), or null if none runs (a zombie counts as gone).
    /// </summary>
    internal static long? StartTimeOf(int pid)
    {
        if (OperatingSystem.IsLinux())
            return LinuxStartTimeOf(pid);
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    // Read from the kernel's own record rather than Process.StartTime, which on Linux adds a boot time computed anew on
    // every call and so may differ by a tick between two reads of the same process.
    private static long? LinuxStartTimeOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name may hold spaces and parentheses: the fields start after its last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length <= StartTimeField || fields[StateField] is "Z" or "X")
            return null;
        return long.Parse(fields[StartTimeField], CultureInfo.InvariantCulture);
    }
}
