using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A library that cannot get a slot under <c>synclog.max-open-libraries</c> within <c>max-open-libraries-wait</c>
/// (the only open library is busy and cannot stop yet) gets a typed refusal naming the cap, and gets in once the busy
/// one is done.
/// </summary>
public sealed class OpenLibrariesRefusalSpecs() : SyncLogSpec("""
    synclog.max-open-libraries = 1
    synclog.max-open-libraries-wait = 500ms
    synclog.passivate-after = 1h
    """)
{
    [Fact]
    public void A_library_that_waits_too_long_for_a_slot_is_refused_with_the_cap_and_later_gets_in()
    {
        var (busy, waiting) = (Guid.NewGuid(), Guid.NewGuid());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        LogWriterSeam.Get(Sys).Wrap = (library, writer) => library == busy ? new HeldWriter(writer, release.Task, () => held = 1) : writer;
        Lead(waiting);
        Lead(busy);
        var busyProbe = CreateTestProbe();
        Supervisor.Tell(new Append(busy, Entry()), busyProbe.Ref);
        AwaitCondition(() => Volatile.Read(ref held) == 1, Patience);

        var probe = CreateTestProbe();
        Supervisor.Tell(new Append(waiting, Entry()), probe.Ref);

        var refusal = probe.ExpectMsg<StorageFailure>(Patience);
        Assert.Equal(waiting, refusal.LibraryId);
        Assert.Contains("too many open libraries (cap 1", refusal.Reason, StringComparison.Ordinal);
        // The wait as the setting is written, not as a TimeSpan prints (00:00:00.5000000).
        Assert.EndsWith("within 500ms (synclog.max-open-libraries-wait); retry", refusal.Reason, StringComparison.Ordinal);

        release.SetResult();
        Assert.Equal(1, busyProbe.ExpectMsg<Appended>(Patience).Sequence);
        // The busy library turns idle only after its reply; on a loaded machine the first retry may still find no slot
        // within the short wait this spec configures, which is the refusal above, not a failure.
        var appended = 0L;
        AwaitAssert(() =>
        {
            Supervisor.Tell(new Append(waiting, Entry()), probe.Ref);
            var reply = probe.ExpectMsg<ILibraryReply>(Patience);
            if (reply is StorageFailure failure)
                Assert.Contains("too many open libraries", failure.Reason, StringComparison.Ordinal);
            appended = Assert.IsType<Appended>(reply).Sequence;
        }, Patience, TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, appended);
        Assert.Single(ReadAll(waiting));
    }

    /// <summary>Holds every append until released, telling the test when the first one is held.</summary>
    private sealed class HeldWriter(ILogWriter inner, Task release, Action onHeld) : DelegatingLogWriter(inner)
    {
        public override async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
            Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries)
        {
            onHeld();
            await release;
            return await Inner.AppendAsync(entries, joinLate, maxEntries);
        }
    }
}
