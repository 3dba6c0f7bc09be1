using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>This spec's host owns the data dir; a read-only host beside it serves reads of the same logs.</summary>
public sealed class ReadOnlyHostSpecs : SyncLogSpec, IAsyncLifetime
{
    private readonly Guid _library = Guid.NewGuid();
    private SyncLogHost _reader = null!;

    public Task InitializeAsync()
    {
        Lead(_library);
        AppendOne(_library, Entry(1));
        _reader = SyncLogHost.Start(ConfigurationFactory.ParseString("synclog.read-only = on")
            .WithFallback(ConfigFor(DataDir, "inspector")), "reader");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _reader.DisposeAsync();

    [Fact]
    public async Task It_reads_what_the_owner_writes_and_follows_its_latest_sequence()
    {
        Assert.Equal(new LatestSequence(_library, 1), await _reader.AskAsync(new GetLatestSequence(_library)));
        AppendOne(_library, Entry(2));

        Assert.Equal(new LatestSequence(_library, 2), await _reader.AskAsync(new GetLatestSequence(_library)));
        var page = Assert.IsType<Fetched>(await _reader.AskAsync(new FetchSince(_library, 0, 10))).Result;
        Assert.Equal([1L, 2], page.Entries.Select(e => e.Sequence));
    }

    [Fact]
    public async Task It_refuses_every_write_and_leadership()
    {
        var entry = Entry();
        ILibraryRequest[] writes =
        [
            new Append(_library, entry), new AppendBatch(_library, [entry]), new VacuumOldEntries(_library, DateTimeOffset.UtcNow),
            new LeadershipChanged(_library, "inspector", 9), new GetLeadership(_library),
            new Replicate(_library, [new SyncLogEntry(0, 2, "d", DateTimeOffset.UtcNow, "tag", "r", ChangeType.Insert, 1, "{}")], 1),
            new ResyncFrom(_library, 5),
        ];

        foreach (var write in writes)
            Assert.Contains("read-only", Assert.IsType<InvalidRequest>(await _reader.AskAsync(write)).Reason, StringComparison.Ordinal);
        Assert.Equal(new LatestSequence(_library, 1), await _reader.AskAsync(new GetLatestSequence(_library)));
        var probe = CreateTestProbe();
        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        Assert.Equal(new Leadership(_library, ThisDevice, 1, true), probe.ExpectMsg<Leadership>(Patience));
    }

    [Fact]
    public async Task A_library_with_no_log_is_not_found_and_no_file_is_created()
    {
        var missing = Guid.NewGuid();

        Assert.Equal(new LibraryNotFound(missing, LibraryFile(missing)), await _reader.AskAsync(new FetchSince(missing, 0, 10)));
        Assert.Equal(new LibraryNotFound(missing, LibraryFile(missing)), await _reader.AskAsync(new GetLatestSequence(missing)));
        Assert.False(Directory.Exists(Path.GetDirectoryName(LibraryFile(missing))));
    }

    [Fact]
    public async Task A_library_it_cannot_open_is_answered_at_once_with_the_reason()
    {
        var garbage = Guid.NewGuid();
        Directory.CreateDirectory(Path.GetDirectoryName(LibraryFile(garbage))!);
        await File.WriteAllTextAsync(LibraryFile(garbage), new string('#', 8192));

        var reply = await _reader.AskAsync(new GetLatestSequence(garbage), TimeSpan.FromSeconds(5));

        Assert.Contains(LibraryFile(garbage), Assert.IsType<StorageFailure>(reply).Reason, StringComparison.Ordinal);
        Assert.IsType<StorageFailure>(await _reader.AskAsync(new FetchSince(garbage, 0, 10), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_library_whose_first_read_fails_is_a_storage_failure_not_a_restart_loop()
    {
        var broken = Guid.NewGuid();
        await (await SyncLogDb.OpenAsync(broken, DataDir)).DisposeAsync();
        Raw.Execute(LibraryFile(broken), "DROP TABLE sync_log_state");

        var reply = await _reader.AskAsync(new GetLatestSequence(broken), TimeSpan.FromSeconds(5));

        Assert.Contains("sync_log_state", Assert.IsType<StorageFailure>(reply).Reason, StringComparison.Ordinal);
        Assert.IsType<StorageFailure>(await _reader.AskAsync(new GetStats(broken), TimeSpan.FromSeconds(5)));
    }
}
