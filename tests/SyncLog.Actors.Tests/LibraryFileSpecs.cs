namespace SyncLog.Actors.Tests;

/// <summary>A library's sync.db is created only by OpenLibrary or a write that is really made; everything else finds it missing.</summary>
public sealed class LibraryFileSpecs : SyncLogSpec
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void Reads_stats_latest_and_vacuum_of_a_library_without_a_file_are_not_found_and_create_nothing()
    {
        var probe = CreateTestProbe();
        var notFound = new LibraryNotFound(_library, LibraryFile(_library));
        ILibraryRequest[] requests =
        [
            new FetchSince(_library, 0, 10), new GetLatestSequence(_library), new GetStats(_library),
            new FetchByDevice(_library, ThisDevice, 0, 10), new FetchByRecord(_library, "album", "r", 10),
            new FetchByTimeRange(_library, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, 10),
            new VacuumOldEntries(_library, DateTimeOffset.UtcNow),
        ];

        foreach (var request in requests)
        {
            Supervisor.Tell(request, probe.Ref);
            Assert.Equal(notFound, probe.ExpectMsg<LibraryNotFound>(Patience));
        }

        Assert.False(Directory.Exists(Path.GetDirectoryName(LibraryFile(_library))));
    }

    [Fact]
    public void Refused_appends_create_no_file_and_leadership_works_without_one()
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new Append(_library, Entry()), probe.Ref);
        probe.ExpectMsg<NotLeader>(Patience);
        Lead(_library, ThisDevice, 2, probe);
        Supervisor.Tell(new Append(_library, Entry(), ExpectedTerm: 1), probe.Ref);
        probe.ExpectMsg<StaleTerm>(Patience);
        Supervisor.Tell(new AppendBatch(_library, []), probe.Ref);
        probe.ExpectMsg<InvalidRequest>(Patience);
        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        Assert.Equal(new Leadership(_library, ThisDevice, 2, true), probe.ExpectMsg<Leadership>(Patience));

        Assert.False(File.Exists(LibraryFile(_library)));
    }

    [Fact]
    public void OpenLibrary_creates_the_file_and_reports_the_latest_sequence()
    {
        var probe = CreateTestProbe();

        Supervisor.Tell(new OpenLibrary(_library), probe.Ref);

        Assert.Equal(new LibraryOpened(_library, 0), probe.ExpectMsg<LibraryOpened>(Patience));
        Assert.True(File.Exists(LibraryFile(_library)));
        Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);
        Assert.Equal(new LatestSequence(_library, 0), probe.ExpectMsg<LatestSequence>(Patience));
    }

    [Fact]
    public void An_accepted_append_creates_the_file()
    {
        Lead(_library);
        Assert.False(File.Exists(LibraryFile(_library)));

        Assert.Equal(1, AppendOne(_library, Entry()));

        Assert.True(File.Exists(LibraryFile(_library)));
        Supervisor.Tell(new OpenLibrary(_library), TestActor);
        Assert.Equal(new LibraryOpened(_library, 1), ExpectMsg<LibraryOpened>(Patience));
    }
}
