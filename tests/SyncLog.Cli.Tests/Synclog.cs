using System.Diagnostics;

namespace SyncLog.Cli.Tests;

/// <summary>What one run of the real <c>synclog</c> program did.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the built <c>synclog</c> as a separate process against a temp data dir, as a user would.</summary>
public sealed class Synclog : IDisposable
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "synclog.dll");

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "synclog-cli-tests", Guid.NewGuid().ToString("N"));

    public CliRun Run(params string[] args) => RunIn(DataDir, args);

    /// <summary>Runs with <paramref name="stdin"/> as standard input (for <c>--file -</c>).</summary>
    public CliRun RunWithInput(byte[] stdin, params string[] args) => RunIn(DataDir, args, stdin);

    public static CliRun RunIn(string? dataDir, params string[] args) => RunIn(dataDir, args, stdin: null);

    /// <summary>Runs with exactly <paramref name="args"/>: no data dir or host device added.</summary>
    public static CliRun RunExactly(params string[] args) => RunIn(null, args, stdin: null, addDevice: false);

    private static CliRun RunIn(string? dataDir, string[] args, byte[]? stdin, bool addDevice = true)
    {
        using var process = Process.Start(StartInfo(dataDir, args, addDevice))!;
        if (stdin is not null)
            process.StandardInput.BaseStream.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"synclog {string.Join(' ', args)} did not finish in 2 minutes");
        }

        return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    // Standard input is redirected and left open until the caller closes it, so a command reading it blocks.
    private static ProcessStartInfo StartInfo(string? dataDir, string[] args, bool addDevice = true)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Program);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        if (dataDir is not null)
        {
            start.ArgumentList.Add("--data-dir");
            start.ArgumentList.Add(dataDir);
        }

        if (addDevice)
        {
            start.ArgumentList.Add("--host-device");
            start.ArgumentList.Add("laptop");
        }

        start.Environment.Remove("SYNCLOG_DATA_DIR");
        return start;
    }

    /// <summary>
    /// Starts synclog with standard input left open, waits until it blocks reading it, sends SIGINT (Ctrl-C) and
    /// returns what the run did.
    /// </summary>
    public CliRun Interrupt(string[] args, bool waitingOnStdin) =>
        InterruptOnce(args, (process, _) => !waitingOnStdin || ReadsStdin(process.Id), TimeSpan.FromMinutes(1), "read standard input");

    /// <summary>Starts synclog, waits until its standard output contains <paramref name="printed"/>, then sends SIGINT.</summary>
    public CliRun InterruptAfter(string printed, params string[] args) =>
        InterruptOnce(args, (_, stdout) => stdout.Contains(printed, StringComparison.Ordinal), TimeSpan.FromMinutes(2), $"printed '{printed}'");

    /// <summary>
    /// As <see cref="InterruptAfter"/>, but with no data dir added and the temp dir (<c>TMPDIR</c>) set to
    /// <paramref name="tempDir"/>, for what <c>demo --temp</c> leaves there.
    /// </summary>
    public static CliRun InterruptAfterWithTempDir(string printed, string tempDir, params string[] args)
    {
        var start = StartInfo(null, args);
        start.Environment["TMPDIR"] = tempDir;
        return InterruptOnce(start, (_, stdout) => stdout.Contains(printed, StringComparison.Ordinal), TimeSpan.FromMinutes(2), $"printed '{printed}'");
    }

    private CliRun InterruptOnce(string[] args, Func<Process, string, bool> ready, TimeSpan patience, string readyMeans) =>
        InterruptOnce(StartInfo(DataDir, args), ready, patience, readyMeans);

    // Starts synclog, waits until ready(process, stdout so far) holds, sends SIGINT and collects what the run did.
    private static CliRun InterruptOnce(ProcessStartInfo start, Func<Process, string, bool> ready, TimeSpan patience, string readyMeans)
    {
        using var process = new Process { StartInfo = start };
        var stdout = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                    stdout.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            string Printed()
            {
                lock (stdout)
                    return stdout.ToString();
            }

            // The specs' one polling loop: readiness may be a process state (reading stdin), not only output.
            Eventually.Until(() => ready(process, Printed()), patience,
                () => process.HasExited ? $"synclog ended before it {readyMeans}" : $"synclog never {readyMeans}",
                givenUp: () => process.HasExited).GetAwaiter().GetResult();

            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "synclog did not end within 30 s of Ctrl-C");
            // The timed wait does not wait for the redirected output to be read to its end; this one does.
            process.WaitForExit();
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }

        lock (stdout)
            return new CliRun(process.ExitCode, stdout.ToString(), stderr.Result);
    }

    // A thread of the process is in read(2) on standard input (.NET reads a duplicate of fd 0, so compare what the fd
    // points to): /proc/PID/task/TID/syscall starts with the syscall number and the fd in hex.
    private static bool ReadsStdin(int pid)
    {
        var read = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "63" : "0";
        var stdin = new FileInfo($"/proc/{pid}/fd/0").LinkTarget;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var call = File.ReadAllText(Path.Combine(task, "syscall")).Split(' ');
                if (call.Length > 1 && call[0] == read
                    && new FileInfo($"/proc/{pid}/fd/{Convert.ToInt32(call[1], 16)}").LinkTarget == stdin)
                    return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread ended between listing and reading.
            }
        }

        return false;
    }

    public void Dispose()
    {
        if (Directory.Exists(DataDir))
            Directory.Delete(DataDir, recursive: true);
    }
}
