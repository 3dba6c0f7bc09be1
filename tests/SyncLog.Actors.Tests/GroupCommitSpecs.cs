using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Adaptive group commit through the real actor: a backlog drains in transactions larger than
/// <c>max-batch-size</c> (never past <c>max-batch-size-hard</c>), a lone append never waits for company, and appends
/// that arrived before an idle library starts its transaction are in it. The latency budget and ceiling are generous
/// so that only the sizing rules, not the machine's speed, decide the outcome.
/// </summary>
public sealed class GroupCommitSpecs() : SyncLogSpec("""
    synclog.max-batch-size = 50
    synclog.max-batch-size-hard = 400
    synclog.max-batch-latency = 30s
    synclog.max-batch-latency-hard = 60s
    """)
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void A_backlog_drains_in_transactions_that_grow_past_the_soft_cap_up_to_the_hard_cap_in_order()
    {
        var writer = RecordTransactions();
        Lead(_library);
        writer.Hold();
        var probe = CreateTestProbe();

        Supervisor.Tell(new Append(_library, Entry(0)), probe.Ref);
        AwaitCondition(() => writer.Waiting, Patience);
        for (var i = 1; i < 2000; i++)
            Supervisor.Tell(new Append(_library, Entry(i)), probe.Ref);
        writer.Release();

        var sequences = probe.ReceiveN(2000, Patience).Cast<Appended>().Select(a => a.Sequence);
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), sequences);
        var sizes = writer.Sizes;
        Assert.All(sizes, size => Assert.InRange(size, 1, 400));
        Assert.Contains(sizes, size => size > 50);
        Assert.Equal(2000, sizes.Sum());
    }

    [Fact]
    public void A_lone_append_commits_at_once_without_waiting_for_the_latency_budget()
    {
        var writer = RecordTransactions();
        Lead(_library);

        // The budget is 30 s: an answer within the (shorter) patience shows nothing waited for company.
        Assert.Equal(1, AppendOne(_library, Entry()));
        Assert.Equal([1], writer.Sizes);
    }

    [Fact]
    public async Task Appends_already_in_the_mailbox_when_an_idle_library_takes_one_join_its_transaction()
    {
        var writer = RecordTransactions();
        Lead(_library);
        Assert.Equal(1, AppendOne(_library, Entry()));
        var child = await Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(_library)).ResolveOne(Patience);
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = new Append(_library, Entry(0));
        // The library is held inside its handling of the first append while the others are put in its mailbox.
        LogWriterSeam.Get(Sys).BeforeHandling = (_, message) =>
        {
            if (!ReferenceEquals(message, first))
                return;
            holding.Set();
            release.Wait(Patience);
        };
        var probe = CreateTestProbe();

        child.Tell(first, probe.Ref);
        Assert.True(holding.Wait(Patience));
        for (var i = 1; i < 50; i++)
            child.Tell(new Append(_library, Entry(i)), probe.Ref);
        release.Set();

        var sequences = probe.ReceiveN(50, Patience).Cast<Appended>().Select(a => a.Sequence);
        Assert.Equal(Enumerable.Range(2, 50).Select(i => (long)i), sequences);
        // One transaction of all 50 (the soft cap), not the first alone and the rest after it.
        Assert.Equal([1, 50], writer.Sizes);
    }

    private RecordingWriter RecordTransactions()
    {
        var recording = new RecordingWriter();
        LogWriterSeam.Get(Sys).Wrap = (library, writer) => library == _library ? recording.Around(writer) : writer;
        return recording;
    }

    /// <summary>Records the size of each append transaction, and can hold the next one until released.</summary>
    private sealed class RecordingWriter : DelegatingLogWriter
    {
        private readonly List<int> _sizes = [];
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _gate;
        private volatile bool _waiting;

        public bool Waiting => _waiting;

        public IReadOnlyList<int> Sizes
        {
            get
            {
                lock (_sizes)
                    return _sizes.ToList();
            }
        }

        public void Hold() => _gate = _release;

        public void Release() => _release.TrySetResult();

        public override async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
            Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries)
        {
            if (Interlocked.Exchange(ref _gate, null) is { } gate)
            {
                _waiting = true;
                await gate.Task;
            }

            var sequences = await Inner.AppendAsync(entries, joinLate, maxEntries);
            lock (_sizes)
                _sizes.Add(sequences.Count);
            return sequences;
        }
    }
}
