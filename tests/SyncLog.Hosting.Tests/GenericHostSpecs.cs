using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Hosting.Tests;

/// <summary>The sync log inside a Microsoft.Extensions.Hosting generic host, the way an app embeds it.</summary>
public sealed class GenericHostSpecs : IDisposable
{
    private const string Device = "laptop-7f3a";
    private readonly string _dataDir = SyncLogHostedSpec.NewDataDir();
    private readonly Guid _library = Guid.NewGuid();
    private readonly CapturingLoggerProvider _logs = new();

    public void Dispose()
    {
        TempDirs.Remove(_dataDir);
    }

    [Fact]
    public async Task Starts_appends_fetches_and_stops_twice_in_one_process_on_the_same_data_dir()
    {
        for (var run = 1; run <= 2; run++)
        {
            using var host = BuildHost();
            await host.StartAsync(TestContext.Current.CancellationToken);
            var client = host.Services.GetRequiredService<ActorRegistry>().GetSyncLogClient(TimeSpan.FromSeconds(30));

            // Leadership is persisted in the data dir, so only the first run needs an election.
            if (run == 1)
                await client.ChangeLeadershipAsync(_library, Device, term: 1);
            var sequence = await client.AppendAsync(_library, SyncLogHostedSpec.Entry(run, device: Device));
            var page = await client.FetchSinceAsync(_library, 0, 100);

            Assert.Equal(run, sequence);
            Assert.Equal(Enumerable.Range(1, run).Select(n => (long)n), page.Entries.Select(e => e.Sequence));
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task The_data_dir_is_locked_while_the_host_runs_and_free_once_it_stopped_without_disposing_anything()
    {
        using var first = BuildHost();
        await first.StartAsync(TestContext.Current.CancellationToken);

        Assert.Throws<SyncLogLockedException>(() => SyncLogHost.Start(ConfigurationFactory.ParseString(
            $"synclog.data-dir = {SyncLogConfig.Quote(_dataDir)}\nsynclog.data-dir-env = \"\"")));

        await first.StopAsync(TestContext.Current.CancellationToken);
        await using var second = SyncLogHost.Start(ConfigurationFactory.ParseString(
            $"synclog.data-dir = {SyncLogConfig.Quote(_dataDir)}\nsynclog.data-dir-env = \"\""));
        Assert.Equal(_dataDir, second.Settings.DataDir);
    }

    [Fact]
    public async Task A_second_host_on_a_data_dir_in_use_fails_to_start_with_the_lock_error()
    {
        using var first = BuildHost();
        await first.StartAsync(TestContext.Current.CancellationToken);
        using var second = BuildHost();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => second.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(Chain(e), x => x is SyncLogLockedException);
        await first.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_supervisor_is_registered_under_SyncLogSupervisor()
    {
        using var host = BuildHost();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var registered = host.Services.GetRequiredService<ActorRegistry>().Get<SyncLogSupervisor>();
        var required = await host.Services.GetRequiredService<IRequiredActor<SyncLogSupervisor>>()
            .GetAsync(TestContext.Current.CancellationToken);

        Assert.Equal(registered, required);
        Assert.Equal("/user/synclog", registered.Path.ToStringWithoutAddress());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Sync_log_messages_reach_Microsoft_Extensions_Logging()
    {
        using var host = BuildHost();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var client = host.Services.GetRequiredService<ActorRegistry>().GetSyncLogClient(TimeSpan.FromSeconds(30));
        await client.ChangeLeadershipAsync(_library, Device, term: 1);
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Contains(_logs.Messages, m => m.Contains("Sync log supervisor", StringComparison.Ordinal)
                                             && m.Contains(_dataDir, StringComparison.Ordinal));
        Assert.Contains(_logs.Messages, m => m.Contains($"{Device} leads from term 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_out_of_range_option_fails_the_start_naming_the_hocon_key()
    {
        using var host = BuildHost(o => o.MaxBatchSize = 0);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(Chain(e), x => x is ConfigurationException && x.Message.Contains("synclog.max-batch-size", StringComparison.Ordinal));
    }

    private IHost BuildHost(Action<SyncLogOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(_logs);
        builder.Services.AddAkka("app", (akka, _) =>
        {
            var options = SyncLogHostedSpec.OptionsFor(_dataDir, Device);
            configure?.Invoke(options);
            akka.ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory())
                .WithSyncLog(options);
        });
        return builder.Build();
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                    yield return inner;
            }
        }
    }

    /// <summary>Keeps every formatted log message, whatever its category.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
                Func<TState, Exception?, string> formatter) => messages.Enqueue(formatter(state, exception));
        }
    }
}
