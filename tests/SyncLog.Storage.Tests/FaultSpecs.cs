using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace SyncLog.Storage.Tests;

// Produces faults with Unix tools (permissions, bind mounts).
[UnsupportedOSPlatform("windows")]
public sealed class FaultSpecs : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDataDir _dir = new();
    private readonly Guid _library = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    // ---- busy locks ----

    [Fact]
    public async Task A_busy_timeout_of_0_is_refused_because_it_cannot_mean_fail_at_once()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { BusyTimeout = TimeSpan.Zero }));

        Assert.Contains("busy timeout must be more than 0", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(SyncLogDb.PathFor(_library, _dir.Path)));
    }

    [Fact]
    public async Task A_write_lock_held_by_another_connection_fails_an_append_after_the_busy_timeout()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { BusyTimeout = TimeSpan.FromSeconds(1) });
        using (var intruder = Raw.Open(db.FilePath, readOnly: false))
        using (var transaction = intruder.BeginTransaction(deferred: false))
        {
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<SqliteException>(() => db.AppendAsync(Entries.New()).WaitAsync(Patience));

            Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        }

        Assert.Equal(0, await db.LatestSequenceAsync());
        Assert.Equal(1, await db.AppendAsync(Entries.New()));
    }

    // ---- dispose while waiting ----

    [Fact]
    public async Task A_vacuum_waiting_for_the_writer_when_the_log_is_disposed_fails_with_ObjectDisposedException()
    {
        var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        using var writing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        // An append that holds the writer until told to finish (its late-join callback runs inside the transaction).
        var append = Task.Run(() => db.AppendValidatedBatchAsync([Entries.New()], _ =>
        {
            writing.Set();
            release.Wait(Patience);
            return [];
        }));
        Assert.True(writing.Wait(Patience));
        var vacuum = db.VacuumOldEntriesAsync(Entries.T0.AddDays(1));
        var dispose = Task.Run(() => db.DisposeAsync().AsTask());

        await Assert.ThrowsAsync<ObjectDisposedException>(() => vacuum.WaitAsync(Patience));
        Assert.False(dispose.IsCompleted, "dispose must wait for the write in flight");

        release.Set();
        Assert.Equal([1L], await append.WaitAsync(Patience));
        await dispose.WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => db.AppendAsync(Entries.New()));
    }

    [Fact]
    public async Task A_gate_closed_while_others_wait_fails_them_and_every_later_caller()
    {
        // The reader's and the writer's gate: a holder, a queued caller, then dispose.
        var gate = new ClosableGate("sync log 'x'");
        await gate.EnterAsync(CancellationToken.None);
        var waiting = gate.EnterAsync(CancellationToken.None);
        var closing = Task.Run(gate.Dispose);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Patience));
        Assert.False(closing.IsCompleted);
        gate.Exit();
        await closing.WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => gate.EnterAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_caller_cancelling_its_wait_gets_a_cancellation_not_a_dispose()
    {
        var gate = new ClosableGate("sync log 'x'");
        await gate.EnterAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiting = gate.EnterAsync(cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
        gate.Exit();
        gate.Dispose();
    }

    // ---- size limit ----

    private static async Task<long> FillUntilFull(SyncLogDb db, int start = 0)
    {
        for (var i = start; ; i += 50)
        {
            try
            {
                await db.AppendBatchAsync(Entries.Many(50, start: i));
            }
            catch (SyncLogFullException)
            {
                return await db.LatestSequenceAsync();
            }
        }
    }

    [Fact]
    public async Task An_append_past_the_size_limit_fails_whole_and_uses_no_sequence()
    {
        var limited = new SyncLogDbOptions { MaxFileSizeBytes = 256 * 1024 };
        long latest;
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path, limited))
        {
            // The batch that meets the limit is the one checked: a retry may fit again (pages freed by the rollback).
            SyncLogFullException? error = null;
            latest = 0;
            for (var i = 0; error is null; i += 50)
            {
                latest = await db.LatestSequenceAsync();
                var thrown = await Record.ExceptionAsync(() => db.AppendBatchAsync(Entries.Many(50, start: i)));
                error = thrown is null ? null : Assert.IsType<SyncLogFullException>(thrown);
            }

            Assert.Contains("262144 bytes (max-file-size)", error.Message, StringComparison.Ordinal);
            Assert.Equal(13, ((SqliteException)error.InnerException!).SqliteErrorCode); // SQLITE_FULL
            Assert.Equal(latest, await db.LatestSequenceAsync());
            Assert.Equal(latest, await db.CountAsync());
            Assert.Equal(0, latest % 50);
            Assert.True(new FileInfo(db.FilePath).Length <= 256 * 1024);
        }

        await using var reopened = await SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { MaxFileSizeBytes = 1024 * 1024 });
        Assert.Equal(latest + 1, await reopened.AppendAsync(Entries.New()));
        Assert.Equal(Enumerable.Range(1, (int)latest + 1).Select(i => (long)i).ToList(), Raw.Sequences(reopened.FilePath));
        Assert.Equal("ok", Raw.Scalar(reopened.FilePath, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task A_vacuum_under_the_size_limit_makes_room_for_appends_again()
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { MaxFileSizeBytes = 256 * 1024 });
        var latest = await FillUntilFull(db);

        Assert.Equal(latest, await db.VacuumOldEntriesAsync(Entries.T0.AddDays(1)));

        Assert.Equal([latest + 1, latest + 2], await db.AppendBatchAsync(Entries.Many(2)));
        Assert.Equal(0L, Raw.Scalar(db.FilePath, "PRAGMA freelist_count"));
    }

    [Fact]
    public async Task A_size_limit_below_64_KiB_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { MaxFileSizeBytes = 1000 }));

        Assert.Contains("max file size must be 0 (unlimited) or at least 65536 bytes", error.Message, StringComparison.Ordinal);
    }

    // ---- damaged or unreachable files ----

    private async Task<string> CreateLogWithEntries(int count)
    {
        await using var db = await SyncLogDb.OpenAsync(_library, _dir.Path);
        await db.AppendBatchAsync(Entries.Many(count));
        return db.FilePath;
    }

    [Fact]
    public async Task A_truncated_sync_db_is_reported_and_left_untouched()
    {
        var path = await CreateLogWithEntries(2_000);
        await using (var stream = new FileStream(path, FileMode.Open))
            stream.SetLength(stream.Length / 2);
        var hashBefore = Hash(path);

        var error = await Assert.ThrowsAsync<SyncLogOpenException>(() => SyncLogDb.OpenAsync(_library, _dir.Path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(hashBefore, Hash(path));
        Assert.False(File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 0);
    }

    [Fact]
    public async Task A_garbage_wal_is_reported_and_neither_file_is_changed()
    {
        var path = await CreateLogWithEntries(10);
        await File.WriteAllBytesAsync(path + "-wal", Enumerable.Repeat((byte)'x', 8192).ToArray());
        var (dbHash, walHash) = (Hash(path), Hash(path + "-wal"));

        var error = await Assert.ThrowsAsync<SyncLogOpenException>(() => SyncLogDb.OpenAsync(_library, _dir.Path));
        var readOnly = await Assert.ThrowsAsync<SyncLogOpenException>(() =>
            SyncLogDb.OpenAsync(_library, _dir.Path, new SyncLogDbOptions { ReadOnly = true }));

        Assert.Contains("write-ahead log", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a SQLite WAL", readOnly.Message, StringComparison.Ordinal);
        Assert.Equal(dbHash, Hash(path));
        Assert.Equal(walHash, Hash(path + "-wal"));
    }

    [Fact]
    public async Task A_valid_wal_left_by_a_crash_is_recovered()
    {
        // A copy of the files taken while the log is open, as a crashed process leaves them: committed entries live
        // in the WAL only.
        var crashed = Guid.NewGuid();
        var crashedPath = SyncLogDb.PathFor(crashed, _dir.Path);
        await using (var db = await SyncLogDb.OpenAsync(_library, _dir.Path))
        {
            await db.AppendBatchAsync(Entries.Many(20));
            Directory.CreateDirectory(Path.GetDirectoryName(crashedPath)!);
            File.Copy(db.FilePath, crashedPath);
            File.Copy(db.FilePath + "-wal", crashedPath + "-wal");
        }

        Assert.True(new FileInfo(crashedPath + "-wal").Length > 0);
        await using var recovered = await SyncLogDb.OpenAsync(crashed, _dir.Path);
        Assert.Equal(20, await recovered.CountAsync());
        Assert.Equal(21, await recovered.AppendAsync(Entries.New()));
    }

    [Fact]
    public async Task A_file_where_the_library_folder_should_be_is_reported()
    {
        var folder = Path.GetDirectoryName(SyncLogDb.PathFor(_library, _dir.Path))!;
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        await File.WriteAllTextAsync(folder, "not a folder");

        var error = await Assert.ThrowsAsync<SyncLogOpenException>(() => SyncLogDb.OpenAsync(_library, _dir.Path));

        Assert.Contains("could not be created", error.Message, StringComparison.Ordinal);
        Assert.Equal("not a folder", await File.ReadAllTextAsync(folder));
    }

    // As root, permissions deny nothing, so an unreadable sync.db is produced as a path that cannot be read as a
    // file (a folder); for other users, as a file with no permissions.
    [Fact]
    public async Task An_unreadable_sync_db_is_reported()
    {
        var path = SyncLogDb.PathFor(_library, _dir.Path);
        if (IsRoot())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            await CreateLogWithEntries(1);
            File.SetUnixFileMode(path, UnixFileMode.None);
        }

        var error = await Assert.ThrowsAsync<SyncLogOpenException>(() => SyncLogDb.OpenAsync(_library, _dir.Path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        if (!IsRoot())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    // As root, a read-only folder is made with a read-only bind mount (chmod would deny nothing); for other users
    // with chmod.
    [Fact]
    public async Task A_log_in_a_read_only_folder_is_reported_and_left_untouched()
    {
        var path = await CreateLogWithEntries(5);
        var folder = Path.GetDirectoryName(path)!;
        File.Delete(path + ".lock");
        var hashBefore = Hash(path);
        MakeReadOnly(folder);
        try
        {
            var error = await Assert.ThrowsAsync<SyncLogOpenException>(() => SyncLogDb.OpenAsync(_library, _dir.Path));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.IsNotType<SyncLogLockedException>(error);
        }
        finally
        {
            MakeWritable(folder);
        }

        Assert.Equal(hashBefore, Hash(path));
        Assert.Equal(["sync.db"], Directory.GetFiles(folder).Select(Path.GetFileName).ToList());
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private static void MakeReadOnly(string folder)
    {
        if (!IsRoot())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return;
        }

        Run("mount", "--bind", folder, folder);
        Run("mount", "-o", "remount,bind,ro", folder);
    }

    private static void MakeWritable(string folder)
    {
        if (IsRoot())
            Run("umount", folder);
        else
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} failed: {error}");
    }

    private static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
