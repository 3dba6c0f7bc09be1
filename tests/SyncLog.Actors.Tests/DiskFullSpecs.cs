namespace SyncLog.Actors.Tests;

/// <summary>
/// A library that reaches its size limit (<c>synclog.storage.max-file-size</c>, SQLite's SQLITE_FULL: the way a full disk
/// looks to the log): its appends are refused with nothing written and no sequence used, other libraries keep
/// working, and it appends again once a vacuum gives space back.
/// </summary>
public sealed class DiskFullSpecs() : SyncLogSpec("""
    synclog.storage.max-file-size = 256KiB
    synclog.vacuum-interval = 0
    synclog.passivate-after = 1h
    """)
{
    [Fact]
    public void A_full_library_refuses_appends_without_using_a_sequence_and_recovers_after_a_vacuum()
    {
        var full = Guid.NewGuid();
        var other = Guid.NewGuid();
        var probe = CreateTestProbe();
        Lead(full, probe: probe);
        Lead(other, probe: probe);
        var old = DateTimeOffset.UtcNow.AddDays(-60);

        long lastAcked = 0;
        StorageFailure? refusal = null;
        for (var batch = 0; refusal is null && batch < 1000; batch++)
        {
            Supervisor.Tell(new AppendBatch(full, [.. Enumerable.Range(0, 20).Select(i => Entry(batch * 20 + i, at: old))]), probe.Ref);
            switch (probe.ExpectMsg<object>(Patience))
            {
                case BatchAppended appended:
                    lastAcked = appended.Sequences[^1];
                    break;
                case StorageFailure failure:
                    refusal = failure;
                    break;
                case var unexpected:
                    Assert.Fail($"unexpected reply {unexpected}");
                    break;
            }
        }

        Assert.NotNull(refusal);
        Assert.Contains("full", refusal.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.True(lastAcked > 0);
        Assert.Equal(lastAcked, ReadAll(full, probe).Count);

        // Another library of the same host is not affected.
        Assert.Equal(1, AppendOne(other, Entry(), probe));

        // Space comes back: the old entries expire and the vacuum hands their pages back to the file system.
        Supervisor.Tell(new VacuumOldEntries(full, DateTimeOffset.UtcNow.AddDays(-30)), probe.Ref);
        Assert.Equal(lastAcked, probe.ExpectMsg<Vacuumed>(Patience).Removed);
        Assert.Equal(lastAcked + 1, AppendOne(full, Entry(), probe));
    }
}
