using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SyncLog.Actors;

namespace SyncLog.Hosting.Tests;

/// <summary>The README's hosting snippet, run as written (but in a temp data dir), so the docs cannot drift.</summary>
public sealed class ReadmeHostingExampleSpecs : IDisposable
{
    private readonly string _dataDir = SyncLogHostedSpec.NewDataDir();

    public void Dispose()
    {
        TempDirs.Remove(_dataDir);
    }

    [Fact]
    public async Task The_hosting_example_starts_leads_and_stops()
    {
        string[] args = [];
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddAkka("myapp", (akka, sp) => akka
            .ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory()) // actor logs go to ILogger
            .WithSyncLog(new SyncLogOptions { DataDir = _dataDir, DataDirEnvironmentVariable = "", DeviceId = "laptop-7f3a" }));
        using var app = builder.Build();
        await app.StartAsync(TestContext.Current.CancellationToken);

        var log = await app.Services.GetRequiredService<IRequiredActor<SyncLogSupervisor>>()
            .GetSyncLogClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        await log.ChangeLeadershipAsync(Guid.Parse("2f1c6a3e-9a55-4e0e-b3c1-7f7a0f6d1b2a"), "laptop-7f3a", term: 1);

        await app.StopAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Path.Combine(_dataDir, "sync-host.db")));
        // Stopped means the data dir is free again.
        await using var again = SyncLogHost.Start(Akka.Configuration.ConfigurationFactory.ParseString(
            $"synclog.data-dir = {SyncLogConfig.Quote(_dataDir)}\nsynclog.data-dir-env = \"\""));
    }
}
