namespace SyncLog.Actors.Tests;

public sealed class AutomaticRetentionSpecs() : SyncLogSpec("synclog.vacuum-interval = 200ms")
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void Automatic_vacuum_waits_for_a_lagging_follower_and_goes_on_after_its_ack()
    {
        Lead(_library);
        var probe = CreateTestProbe();
        var phoneLog = Guid.NewGuid();
        AppendOne(_library, Entry(0, at: DateTimeOffset.UtcNow.AddDays(-45)), probe);
        // The ack comes before the second old entry exists: the follower holds back entry 2 on.
        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, phoneLog, 1), probe.Ref);
        probe.ExpectMsg<ReplicationAcknowledged>(Patience);
        AppendOne(_library, Entry(1, at: DateTimeOffset.UtcNow.AddDays(-31)), probe);
        AppendOne(_library, Entry(2, at: DateTimeOffset.UtcNow.AddDays(-1)), probe);

        AwaitAssert(() =>
        {
            Supervisor.Tell(new GetStats(_library), probe.Ref);
            Assert.Equal(1, probe.ExpectMsg<Stats>(Patience).Value.VacuumedThroughSequence);
        }, Patience, TimeSpan.FromMilliseconds(100));
        // Several more automatic passes run meanwhile; none goes past the follower's ack.
        Supervisor.Tell(new VacuumOldEntries(_library, DateTimeOffset.UtcNow.AddDays(-30), DryRun: true), probe.Ref);
        Assert.Equal(2, probe.ExpectMsg<Vacuumed>(Patience).HeldBack!.FromSequence);
        Supervisor.Tell(new GetStats(_library), probe.Ref);
        Assert.Equal(2, probe.ExpectMsg<Stats>(Patience).Value.Count);

        Supervisor.Tell(new AcknowledgeReplicated(_library, OtherDevice, phoneLog, 3), probe.Ref);
        probe.ExpectMsg<ReplicationAcknowledged>(Patience);

        AwaitAssert(() =>
        {
            Supervisor.Tell(new GetStats(_library), probe.Ref);
            var stats = probe.ExpectMsg<Stats>(Patience).Value;
            Assert.Equal((1L, 2L), (stats.Count, stats.VacuumedThroughSequence));
        }, Patience, TimeSpan.FromMilliseconds(100));
    }
}
