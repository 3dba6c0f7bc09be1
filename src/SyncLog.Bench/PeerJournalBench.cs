using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// The peer: the same entries persisted as events with <c>PersistAsync</c> through Akka.Persistence.Sql's journal on a
/// SQLite file (Microsoft.Data.Sqlite provider), one persistent actor per library, acked after each event is stored.
/// </summary>
internal static class PeerJournalBench
{
    public static async Task<double> PersistAsync(string workDir, NewSyncLogEntry[] rows, int producers, int window)
    {
        Directory.CreateDirectory(workDir);
        var file = Path.Combine(workDir, "peer-journal.db");
        var config = ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.persistence.journal {
              plugin = "akka.persistence.journal.sql"
              sql {
                class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                connection-string = {{SyncLogConfig.Quote($"Data Source={file}")}}
                provider-name = "SQLite.MS"
                auto-initialize = true
              }
            }
            akka.persistence.snapshot-store {
              plugin = "akka.persistence.snapshot-store.sql"
              sql {
                class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                connection-string = {{SyncLogConfig.Quote($"Data Source={file}")}}
                provider-name = "SQLite.MS"
                auto-initialize = true
              }
            }
            """);
        using var system = ActorSystem.Create("peer", config);
        var library = system.ActorOf(Props.Create(() => new PeerLibraryActor("library-" + Guid.NewGuid())), "library");
        // Warm up: the journal creates its tables on first use.
        await library.Ask<EventStored>(new StoreEvent(rows[0]), TimeSpan.FromSeconds(60));
        var perProducer = rows.Length / producers;
        var (perSecond, _) = await Producers.RunAsync(system, library, producers, perProducer, window,
            (p, i) => new StoreEvent(rows[p * perProducer + i]), reply => reply is EventStored);
        await system.Terminate();
        return perSecond;
    }

    /// <summary>A request to persist one entry as an event.</summary>
    public sealed record StoreEvent(NewSyncLogEntry Entry);

    /// <summary>The event is stored in the journal at <paramref name="SequenceNr"/>.</summary>
    public sealed record EventStored(long SequenceNr);

    /// <summary>The persisted event: the entry's fields.</summary>
    public sealed record EntryLogged(string DeviceId, DateTimeOffset Timestamp, string ModelType, string RecordId,
        string ChangeType, long Version, string Data);

    /// <summary>One library as a persistent actor: persists each entry as an event and acknowledges it once stored.</summary>
    internal sealed class PeerLibraryActor : ReceivePersistentActor
    {
        public PeerLibraryActor(string persistenceId)
        {
            PersistenceId = persistenceId;
            Command<StoreEvent>(store =>
            {
                var e = store.Entry;
                PersistAsync(new EntryLogged(e.DeviceId, e.Timestamp, e.ModelType, e.RecordId,
                    ChangeTypeText.ToText(e.ChangeType), e.Version, e.Data), _ => Sender.Tell(new EventStored(LastSequenceNr)));
            });
            Recover<EntryLogged>(_ => { });
        }

        public override string PersistenceId { get; }
    }
}
