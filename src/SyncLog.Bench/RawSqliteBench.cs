using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>
/// The raw limit: Microsoft.Data.Sqlite with a prepared insert, a fixed number of rows per transaction, into the same
/// schema with the same pragmas (WAL, synchronous=FULL, same cache) as the log; and a raw paged SELECT for the read side.
/// </summary>
internal static class RawSqliteBench
{
    private static readonly string[] InsertParameters = ["$s", "$d", "$t", "$m", "$r", "$c", "$v", "$j"];

    /// <summary>Rows per second of 1000-row transactions of <paramref name="rows"/> into a fresh file, deleted afterwards.</summary>
    public static async Task<double> InsertRateAsync(string dataDir, NewSyncLogEntry[] rows)
    {
        var curve = new RateCurve(rows.Length);
        await InsertAsync(dataDir, rows, 1000, curve);
        Directory.Delete(dataDir, recursive: true);
        return curve.Overall;
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> into a fresh library's file, <paramref name="rowsPerTransaction"/> per
    /// transaction, and leaves it a valid log (its state row says how far it goes) for the reads-at-size section.
    /// </summary>
    public static async Task<(string Path, Guid Library)> InsertAsync(string dataDir, NewSyncLogEntry[] rows,
        int rowsPerTransaction, RateCurve curve)
    {
        var library = Guid.NewGuid();
        var path = await CreateSchemaAsync(library, dataDir);
        using var connection = Open(path, SyncLogDbOptions.Default);
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO sync_log (sequence, device_id, timestamp, model_type, record_id, change_type, version, data)
            VALUES ($s, $d, $t, $m, $r, $c, $v, $j)
            """;
        var p = InsertParameters.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        insert.Prepare();

        for (var start = 0; start < rows.Length; start += rowsPerTransaction)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            insert.Transaction = transaction;
            var end = Math.Min(start + rowsPerTransaction, rows.Length);
            for (var i = start; i < end; i++)
            {
                var e = rows[i];
                p[0].Value = i + 1L;
                p[1].Value = e.DeviceId;
                p[2].Value = UtcTimestamp.ToText(e.Timestamp);
                p[3].Value = e.ModelType;
                p[4].Value = e.RecordId;
                p[5].Value = ChangeTypeText.ToText(e.ChangeType);
                p[6].Value = e.Version;
                p[7].Value = e.Data;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
            curve.Add(end - start);
        }

        using var state = connection.CreateCommand();
        state.CommandText = "UPDATE sync_log_state SET latest_sequence = $latest WHERE id = 1";
        state.Parameters.AddWithValue("$latest", (long)rows.Length);
        state.ExecuteNonQuery();
        return (path, library);
    }

    /// <summary>Reads every row of <paramref name="path"/> in pages of 1000 by sequence into entries; rows per second.</summary>
    public static double ReadPages(string path, int pageSize)
    {
        using var connection = Open(path, SyncLogDbOptions.Default, readOnly: true);
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT id, sequence, device_id, timestamp, model_type, record_id, change_type, version, data
            FROM sync_log WHERE sequence > $since ORDER BY sequence LIMIT $limit
            """;
        var since = select.Parameters.Add(new SqliteParameter { ParameterName = "$since" });
        select.Parameters.AddWithValue("$limit", pageSize);
        select.Prepare();
        var clock = Stopwatch.StartNew();
        long cursor = 0, read = 0;
        while (true)
        {
            since.Value = cursor;
            var page = new List<SyncLogEntry>(pageSize);
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    page.Add(new SyncLogEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2),
                        UtcTimestamp.Parse(reader.GetString(3)), reader.GetString(4), reader.GetString(5),
                        ChangeTypeText.Parse(reader.GetString(6)), reader.GetInt64(7), reader.GetString(8)));
                }
            }

            if (page.Count == 0)
                return read / clock.Elapsed.TotalSeconds;
            read += page.Count;
            cursor = page[^1].Sequence;
        }
    }

    private static async Task<string> CreateSchemaAsync(Guid library, string dataDir)
    {
        // The log's own migrations make the file, so the raw writer meets exactly the same schema and indexes.
        await using var db = await SyncLogDb.OpenAsync(library, dataDir);
        return db.FilePath;
    }

    private static SqliteConnection Open(string path, SyncLogDbOptions options, bool readOnly = false)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
        }.ToString());
        connection.Open();
        using var pragmas = connection.CreateCommand();
        // The same pragmas as the log's write connection, including its wal_autocheckpoint (the log also checkpoints
        // in the background; that is part of what is measured, not a setting the raw writer lacks).
        pragmas.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -{options.CacheSizeKiB}; PRAGMA wal_autocheckpoint = {SyncLogDb.WriterWalAutoCheckpointFrames};";
        pragmas.ExecuteNonQuery();
        return connection;
    }
}
