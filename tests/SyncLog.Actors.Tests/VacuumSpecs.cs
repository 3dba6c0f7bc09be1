namespace SyncLog.Actors.Tests;

public sealed class VacuumSpecs() : SyncLogSpec("synclog.vacuum-interval = 200ms")
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void Vacuum_through_the_actor_removes_old_entries_and_followers_behind_it_are_told_to_resync()
    {
        Lead(_library);
        var probe = CreateTestProbe();
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        for (var i = 0; i < 4; i++)
            AppendOne(_library, Entry(i, at: old.AddMinutes(i)), probe);
        AppendOne(_library, Entry(4, at: DateTimeOffset.UtcNow.AddDays(1)), probe);

        Supervisor.Tell(new VacuumOldEntries(_library, old.AddMinutes(3)), probe.Ref);

        Assert.Equal(new Vacuumed(_library, 3, 3), probe.ExpectMsg<Vacuumed>(Patience));
        Supervisor.Tell(new FetchSince(_library, 1, 10), probe.Ref);
        var behind = probe.ExpectMsg<Fetched>(Patience).Result;
        Assert.True(behind.IsTruncated);
        Assert.Equal(3, behind.VacuumedThroughSequence);
        Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);
        Assert.Equal(5, probe.ExpectMsg<LatestSequence>(Patience).Sequence);
    }

    [Fact]
    public void Automatic_vacuum_removes_entries_past_the_retention()
    {
        Lead(_library);
        var probe = CreateTestProbe();
        AppendOne(_library, Entry(0, at: DateTimeOffset.UtcNow.AddDays(-45)), probe);
        AppendOne(_library, Entry(1, at: DateTimeOffset.UtcNow.AddDays(-31)), probe);
        AppendOne(_library, Entry(2, at: DateTimeOffset.UtcNow.AddDays(-1)), probe);

        AwaitAssert(() =>
        {
            Supervisor.Tell(new GetStats(_library), probe.Ref);
            var stats = probe.ExpectMsg<Stats>(Patience).Value;
            Assert.Equal(1, stats.Count);
            Assert.Equal(2, stats.VacuumedThroughSequence);
        }, Patience, TimeSpan.FromMilliseconds(100));
        Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);
        Assert.Equal(3, probe.ExpectMsg<LatestSequence>(Patience).Sequence);
    }
}
