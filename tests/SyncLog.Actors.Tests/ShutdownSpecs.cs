using Akka.Actor;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A host shut down with requests in flight answers every one of them (no caller waits for its timeout), and every
/// append it acknowledged is in the file afterwards.
/// </summary>
public sealed class ShutdownSpecs : DataDirSpec
{
    [Fact]
    public async Task Stopping_a_host_with_appends_in_flight_answers_every_ask_and_keeps_every_acknowledged_append()
    {
        var libraries = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        // Attached, so the actor system outlives the host: asks sent while and after it stops are answered too.
        using var system = ActorSystem.Create("shutdown", SyncLogConfig.Build(Overrides()));
        var host = SyncLogHost.Attach(system);
        var asks = new List<(Guid Library, string Record, Task<object> Reply)>();
        foreach (var library in libraries)
        {
            await host.Client.ChangeLeadershipAsync(library, "device-a", 1);
            asks.Add((library, "first", Task.FromResult<object>(await host.AskAsync(new Append(library, Entry("first")), Patience))));
        }

        for (var i = 0; i < 4000; i++)
        {
            var library = libraries[i % libraries.Length];
            var record = $"r{i}";
            asks.Add((library, record, host.AskAsync(new Append(library, Entry(record)), Patience)));
        }

        var stopping = host.DisposeAsync().AsTask();
        for (var i = 0; i < 1000; i++)
        {
            var library = libraries[i % libraries.Length];
            var record = $"late{i}";
            asks.Add((library, record, host.AskAsync(new Append(library, Entry(record)), Patience)));
        }

        await stopping;
        for (var i = 0; i < 100; i++)
            asks.Add((libraries[0], $"after{i}", host.AskAsync(new Append(libraries[0], Entry($"after{i}")), Patience)));

        var acknowledged = new List<(Guid Library, string Record)>();
        var timedOut = 0;
        foreach (var (library, record, reply) in asks)
        {
            try
            {
                switch (await reply)
                {
                    case Appended:
                        acknowledged.Add((library, record));
                        break;
                    case StorageFailure:
                        break;
                    case var other:
                        Assert.Fail($"unexpected reply {other}");
                        break;
                }
            }
            catch (AskTimeoutException)
            {
                timedOut++;
            }
        }

        Assert.True(timedOut == 0, $"{timedOut} of {asks.Count} asks were never answered");
        Assert.True(acknowledged.Count >= libraries.Length, $"only {acknowledged.Count} appends were acknowledged");
        foreach (var group in acknowledged.GroupBy(a => a.Library))
        {
            using var connection = Raw.Open(SyncLogDb.PathFor(group.Key, DataDir));
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT record_id FROM sync_log";
            var stored = new HashSet<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                    stored.Add(reader.GetString(0));
            }

            Assert.All(group, a => Assert.Contains(a.Record, stored));
        }

        await system.Terminate();
    }

    [Fact]
    public async Task A_request_enqueued_just_after_its_actor_stopped_is_answered_not_stranded()
    {
        var library = Guid.NewGuid();
        using var system = ActorSystem.Create("stranded", SyncLogConfig.Build(Overrides()));
        var host = SyncLogHost.Attach(system);
        await host.Client.ChangeLeadershipAsync(library, "device-a", 1);
        Assert.IsType<Appended>(await host.AskAsync(new Append(library, Entry("first")), Patience));
        var libraryActor = await system.ActorSelection(host.Supervisor.Path / SyncLogSupervisor.ChildName(library)).ResolveOne(Patience);
        // Akka's dispatch looks the receiver's mailbox up, then enqueues into it. A sender that looked it up just before
        // the receiver stopped enqueues into that mailbox after the stop drained it to the dead letters: this is that
        // sender's view of the supervisor's and the library's mailboxes. (The ask lost 1 time in 5104 under load.)
        // The supervisor actor itself: host.Supervisor is the in-process entrance in front of it, with no mailbox.
        var queues = new[] { host.SupervisorActor, libraryActor }
            .Select(actor => (Actor: actor, Queue: ((ActorCell)((ActorRefWithCell)actor).Underlying).Mailbox?.MessageQueue
                                                   ?? throw new InvalidOperationException($"{actor} has no mailbox")))
            .ToArray();
        await host.DisposeAsync();

        var inbox = Inbox.Create(system);
        foreach (var (actor, queue) in queues)
            queue.Enqueue(actor, new Envelope(new Append(library, Entry($"raced-{actor.Path.Name}")), inbox.Receiver));

        foreach (var _ in queues)
            Assert.IsType<StorageFailure>(await inbox.ReceiveAsync(Patience));
        await system.Terminate();
    }

    private static NewSyncLogEntry Entry(string record) =>
        new("device-a", DateTimeOffset.UtcNow, "album", record, ChangeType.Insert, """{"n":1}""");
}
