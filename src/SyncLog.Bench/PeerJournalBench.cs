using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Microsoft.Data.Sqlite;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// The peer: the same entries persisted as events with <c>PersistAsync</c> through Akka.Persistence.Sql's journal on a
/// SQLite file (Microsoft.Data.Sqlite provider), one persistent actor per library, acked after each event is stored.
/// </summary>
internal static class PeerJournalBench
{
    /// <summary>How the peer's file and journal are set up.</summary>
    /// <param name="Wal">Put the file in WAL before the journal opens it (the mode is stored in the file).</param>
    /// <param name="BatchSize">The journal's <c>batch-size</c>: writes gathered into one round trip.</param>
    /// <param name="Parallelism">The journal's <c>parallelism</c>: concurrent write batches.</param>
    internal sealed record Setup(bool Wal, int BatchSize, int Parallelism)
    {
        /// <summary>The plugin's defaults on SQLite's default rollback journal.</summary>
        public static readonly Setup Defaults = new(Wal: false, BatchSize: 100, Parallelism: 3);

        /// <summary>
        /// At its best on SQLite: WAL, the log's cache size, and batching as the plugin's reference config advises for
        /// a fast local database (larger batches); one writer at a time, because SQLite has a single write lock and
        /// parallel batches only queue behind it.
        /// </summary>
        public static readonly Setup Tuned = new(Wal: true, BatchSize: 1000, Parallelism: 1);

        /// <summary>WAL and the log's cache size, the plugin's batching defaults: what WAL alone changes.</summary>
        public static readonly Setup WalOnly = Defaults with { Wal = true };
    }

    /// <summary>Rows per second, with the pragmas its connections really had (read back from a fresh connection).</summary>
    public static async Task<(double RowsPerSecond, string Pragmas)> PersistAsync(string workDir, NewSyncLogEntry[] rows,
        int producers, int window, Setup setup, RateCurve? curve = null)
    {
        Directory.CreateDirectory(workDir);
        var file = Path.Combine(workDir, "peer-journal.db");
        if (setup.Wal)
            Prepare(file);
        var pragmas = ReadPragmas(file);
        var connectionString = SyncLogConfig.Quote($"Data Source={file}");
        var config = ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.persistence.journal {
              plugin = "akka.persistence.journal.sql"
              sql {
                class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                connection-string = {{connectionString}}
                provider-name = "SQLite.MS"
                auto-initialize = true
                batch-size = {{setup.BatchSize}}
                db-round-trip-max-batch-size = {{Math.Max(1000, setup.BatchSize)}}
                parallelism = {{setup.Parallelism}}
                # More than the producers keep in flight, so no write is refused.
                buffer-size = {{Math.Max(5000, producers * window * 2)}}
              }
            }
            akka.persistence.snapshot-store {
              plugin = "akka.persistence.snapshot-store.sql"
              sql {
                class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                connection-string = {{connectionString}}
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
            (p, i) => new StoreEvent(rows[p * perProducer + i]), reply => reply is EventStored, curve);
        await system.Terminate();
        SqliteConnection.ClearAllPools();
        return (perSecond, pragmas);
    }

    // journal_mode=WAL and the suggested cache size (default_cache_size, in the file header) persist in the file, so
    // every connection the journal opens gets them; synchronous is not stored, and SQLite's default for it is FULL,
    // the log's setting (ReadPragmas shows it).
    private static void Prepare(string file)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA default_cache_size = {SyncLogDbOptions.Default.CacheSizeKiB / 4};";
        pragmas.ExecuteNonQuery();
    }

    private static string ReadPragmas(string file)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        string Read(string pragma)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {pragma}";
            return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "?";
        }

        var synchronous = Read("synchronous") switch { "0" => "OFF", "1" => "NORMAL", "2" => "FULL", "3" => "EXTRA", var s => s };
        var cache = long.Parse(Read("cache_size"), System.Globalization.CultureInfo.InvariantCulture);
        var cacheMiB = cache < 0 ? -cache / 1024.0 : cache * long.Parse(Read("page_size"), System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
        return $"journal_mode={Read("journal_mode")}, synchronous={synchronous}, cache {cacheMiB:N0} MiB";
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
