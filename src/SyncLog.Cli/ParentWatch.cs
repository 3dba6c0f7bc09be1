using System.Diagnostics;

namespace SyncLog.Cli;

/// <summary>
/// Ends a command once the process that started it is gone: the demo's <c>synclog follow</c> child, whose parent may be
/// killed with SIGKILL and so never gets to stop it (no signal reaches a child when its parent dies).
/// </summary>
internal static class ParentWatch
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A token cancelled with <paramref name="ct"/> or within about a second of process <paramref name="pid"/> ending
    /// (saying so on stderr); dispose the source when the command is done.
    /// </summary>
    public static CancellationTokenSource Start(int pid, CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = source.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                while (IsAlive(pid))
                    await Task.Delay(Interval, token);
                Console.Error.WriteLine($"synclog: process {pid}, which started this one, is gone; stopping");
                source.Cancel();
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                // The command ended first.
            }
        }, CancellationToken.None);
        return source;
    }

    /// <summary>True while process <paramref name="pid"/> runs.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
