using System.Diagnostics;
using System.Reflection;

namespace SyncLog.Hosting.Tests;

/// <summary>
/// Packs SyncLog.Storage, SyncLog.Actors, SyncLog.Hosting and the SyncLog.Cli tool once per test run, from the build
/// this test assembly belongs to (no rebuild), into a temp folder removed afterwards.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public static readonly string[] Projects =
        ["src/SyncLog.Storage", "src/SyncLog.Actors", "src/SyncLog.Hosting", "src/SyncLog.Cli"];

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "synclog-packages", Guid.NewGuid().ToString("N"));

    public string RepoRoot { get; } = FindRepoRoot();

    public string Version { get; private set; } = "";

    public static string Configuration =>
        typeof(PackedPackages).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        foreach (var project in Projects)
        {
            var result = await Run(RepoRoot, TimeSpan.FromMinutes(3), "pack", Path.Combine(RepoRoot, project), "-c", Configuration,
                "--no-build", "--no-restore", "-o", Folder, "-nologo");
            Assert.True(result.ExitCode == 0, $"dotnet pack {project} failed:\n{result.Output}");
        }

        var cli = Assert.Single(Directory.GetFiles(Folder, "SyncLog.Cli.*.nupkg"));
        Version = Path.GetFileNameWithoutExtension(cli)["SyncLog.Cli.".Length..];
    }

    public ValueTask DisposeAsync()
    {
        TempDirs.Remove(Folder);
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs the dotnet host that runs these tests, with <paramref name="environment"/> added.</summary>
    public static async Task<(int ExitCode, string Output)> Run(string workingDirectory, TimeSpan timeout, params string[] args) =>
        await RunWith(workingDirectory, timeout, new Dictionary<string, string>(), args);

    public static async Task<(int ExitCode, string Output)> RunWith(string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string> environment, params string[] args) =>
        await RunProcess(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", workingDirectory, timeout, environment, args);

    public static async Task<(int ExitCode, string Output)> RunProcess(string fileName, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SyncLogActors.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"SyncLogActors.sln not found above {AppContext.BaseDirectory}");
    }
}
