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
        using var process = Process.Start(start)!;
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

    public void Dispose()
    {
        if (Directory.Exists(DataDir))
            Directory.Delete(DataDir, recursive: true);
    }
}
