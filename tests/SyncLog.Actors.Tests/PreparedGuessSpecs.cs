using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Prepared appends through the real actor: appends reach the writer encoded and chained on the right guess of the
/// log's tip, an append refused as <see cref="Overloaded"/> takes its entries back out of the guess, a failed write
/// stops the guessing until the library is idle again, and nothing is guessed before the guess was first taken idle. A wrong guess never stores a wrong checksum (the writer
/// relinks), so what these specs guard is that the fast path is really taken, which the chain checks alone cannot see.
/// </summary>
public sealed class PreparedGuessSpecs() : SyncLogSpec("""
    synclog.max-pending-appends = 4
    synclog.max-batch-latency = 30s
    synclog.max-batch-latency-hard = 60s
    """)
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public void A_burst_after_the_library_opened_reaches_the_writer_prepared_on_the_right_guess()
    {
        var writer = Record();
        Lead(_library);
        Assert.Equal(1, AppendOne(_library, Entry()));
        writer.Forget();

        // Four senders, four appends each: the pending bound (4) is never passed, since each waits for its answers.
        var probes = Enumerable.Range(0, 4).Select(_ => CreateTestProbe()).ToList();
        for (var round = 0; round < 25; round++)
        {
            foreach (var probe in probes)
                Supervisor.Tell(new Append(_library, Entry(round)), probe.Ref);
            foreach (var probe in probes)
                probe.ExpectMsg<Appended>(Patience);
        }

        var written = writer.Written;
        Assert.Equal(100, written.Count);
        AssertRightGuesses(written);
        AssertChainIntact();
    }

    [Fact]
    public void An_append_refused_as_overloaded_takes_its_entries_back_out_of_the_guess()
    {
        var writer = Record();
        Lead(_library);
        Assert.Equal(1, AppendOne(_library, Entry()));
        writer.Forget();
        var probe = CreateTestProbe();

        // A0 is in flight, held; A1..A4 wait (the bound is 4), so A5 and A6 are refused.
        writer.HoldNext(joinLate: false);
        Supervisor.Tell(new Append(_library, Entry(0)), probe.Ref);
        AwaitCondition(() => writer.Held == 1, Patience);
        for (var i = 1; i <= 6; i++)
            Supervisor.Tell(new Append(_library, Entry(i)), probe.Ref);
        HandledSoFar();

        // A0 commits alone; A1..A4 go to the next write, held too, so the library stays busy and keeps guessing.
        writer.HoldNext(joinLate: true);
        writer.ReleaseHeld();
        AwaitCondition(() => writer.Held == 2, Patience);
        // A7 is guessed on the tip after A4, where the log will be, not after the two refused appends.
        Supervisor.Tell(new Append(_library, Entry(7)), probe.Ref);
        HandledSoFar();
        writer.ReleaseHeld();

        Assert.Equal(2, probe.ExpectMsg<Appended>(Patience).Sequence);
        for (var i = 3; i <= 6; i++)
            Assert.Equal(i, probe.ExpectMsg<Appended>(Patience).Sequence);
        probe.ExpectMsg<Overloaded>(Patience);
        probe.ExpectMsg<Overloaded>(Patience);
        Assert.Equal(7, probe.ExpectMsg<Appended>(Patience).Sequence);

        var written = writer.Written;
        Assert.Equal([2L, 3, 4, 5, 6, 7], written.Select(w => w.Sequence));
        AssertRightGuesses(written);
        AssertChainIntact();
    }

    [Fact]
    public void A_failed_write_stops_the_guessing_until_the_library_is_idle_and_then_it_starts_over_right()
    {
        var writer = Record();
        Lead(_library);
        Assert.Equal(1, AppendOne(_library, Entry()));
        writer.Forget();
        var probe = CreateTestProbe();

        // A0 is in flight and will fail; A1..A3 were guessed to follow it.
        writer.HoldNext(joinLate: false, fail: true);
        Supervisor.Tell(new Append(_library, Entry(0)), probe.Ref);
        AwaitCondition(() => writer.Held == 1, Patience);
        for (var i = 1; i <= 3; i++)
            Supervisor.Tell(new Append(_library, Entry(i)), probe.Ref);
        HandledSoFar();
        writer.HoldNext(joinLate: true);
        writer.ReleaseHeld();
        AwaitCondition(() => writer.Held == 2, Patience);
        // Still busy after the failure: A4 goes unprepared rather than onto a guess known to be broken.
        Supervisor.Tell(new Append(_library, Entry(4)), probe.Ref);
        HandledSoFar();
        writer.ReleaseHeld();

        probe.ExpectMsg<StorageFailure>(Patience);
        for (var i = 2; i <= 5; i++)
            Assert.Equal(i, probe.ExpectMsg<Appended>(Patience).Sequence);
        var afterFailure = writer.Written;
        Assert.Equal([2L, 3, 4, 5], afterFailure.Select(w => w.Sequence));
        // A1..A3 had been guessed one past where they landed: the writer linked them itself.
        Assert.All(afterFailure.Take(3), w => Assert.Equal(w.Sequence + 1, w.Prepared?.Sequence));
        Assert.Null(afterFailure[3].Prepared);

        // Idle again: the guess starts over from the file, and is right.
        writer.Forget();
        for (var i = 0; i < 4; i++)
            Supervisor.Tell(new Append(_library, Entry(10 + i)), probe.Ref);
        for (var i = 6; i <= 9; i++)
            Assert.Equal(i, probe.ExpectMsg<Appended>(Patience).Sequence);
        AssertRightGuesses(writer.Written);
        AssertChainIntact();
    }

    [Fact]
    public void Appends_that_arrive_while_a_new_librarys_first_write_creates_its_file_are_not_guessed_wrong()
    {
        var writer = Record();
        Lead(_library);
        var probe = CreateTestProbe();

        // The first append was queued before the file existed, so it was not chained: nothing after it may be guessed
        // on the empty log's tip while it is being written.
        writer.HoldNext(joinLate: true);
        Supervisor.Tell(new Append(_library, Entry(0)), probe.Ref);
        AwaitCondition(() => writer.Held == 1, Patience);
        for (var i = 1; i <= 3; i++)
            Supervisor.Tell(new Append(_library, Entry(i)), probe.Ref);
        HandledSoFar();
        writer.ReleaseHeld();

        for (var i = 1; i <= 4; i++)
            Assert.Equal(i, probe.ExpectMsg<Appended>(Patience).Sequence);
        Assert.All(writer.Written, w => Assert.True(w.Prepared is null || w.Prepared.Sequence == w.Sequence,
            $"sequence {w.Sequence} was prepared as {w.Prepared?.Sequence}"));
        AssertChainIntact();
    }

    // Every entry reached the writer prepared, on the sequence it got and chained onto the checksum stored before it.
    private void AssertRightGuesses(IReadOnlyList<WrittenEntry> written)
    {
        var stored = ReadAll(_library).ToDictionary(e => e.Sequence);
        Assert.All(written, w =>
        {
            Assert.NotNull(w.Prepared);
            Assert.Equal(w.Sequence, w.Prepared.Sequence);
            Assert.Equal(stored[w.Sequence].Checksum, w.Prepared.Checksum);
        });
    }

    // A read sent after them is answered once the library has handled them: an append released too early would
    // find the library idle and start a fresh guess, which would hide what the spec looks for.
    private void HandledSoFar()
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new GetLatestSequence(_library), probe.Ref);
        probe.ExpectMsg<LatestSequence>(Patience);
    }

    private void AssertChainIntact()
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new VerifyChain(_library), probe.Ref);
        var chain = probe.ExpectMsg<ChainVerified>(Patience).Result;
        Assert.True(chain.IsIntact, $"chain broken at {chain.FirstBrokenSequence}: {chain.Problem}");
    }

    private GuessRecordingWriter Record()
    {
        var recording = new GuessRecordingWriter();
        LogWriterSeam.Get(Sys).Wrap = (library, writer) => library == _library ? recording.Around(writer) : writer;
        return recording;
    }

    private sealed record WrittenEntry(long Sequence, PreparedEntry? Prepared);

    /// <summary>
    /// Records, for every entry written, its sequence and the prepared form it came in; can hold the next write (and
    /// keep late joiners out of it, or fail it) until released.
    /// </summary>
    private sealed class GuessRecordingWriter : DelegatingLogWriter
    {
        private readonly List<WrittenEntry> _written = [];
        private Hold? _next;
        private Hold? _held;
        private int _heldCount;

        public int Held => Volatile.Read(ref _heldCount);

        public IReadOnlyList<WrittenEntry> Written
        {
            get
            {
                lock (_written)
                    return _written.ToList();
            }
        }

        public void Forget()
        {
            lock (_written)
                _written.Clear();
        }

        public void HoldNext(bool joinLate, bool fail = false) => Volatile.Write(ref _next, new Hold(joinLate, fail));

        public void ReleaseHeld() => Volatile.Read(ref _held)!.Release.TrySetResult();

        public override async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
            Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries)
        {
            var hold = Interlocked.Exchange(ref _next, null);
            if (hold is not null)
            {
                Volatile.Write(ref _held, hold);
                Interlocked.Increment(ref _heldCount);
                await hold.Release.Task;
                if (hold.Fail)
                    throw new IOException("injected write failure");
            }

            var parts = new List<IReadOnlyList<NewSyncLogEntry>> { entries };
            var sequences = await Inner.AppendAsync(entries, room =>
            {
                if (hold is { JoinLate: false })
                    return [];
                var joined = joinLate(room);
                parts.Add(joined);
                return joined;
            }, maxEntries);

            lock (_written)
            {
                var k = 0;
                foreach (var part in parts)
                    for (var i = 0; i < part.Count; i++)
                        _written.Add(new WrittenEntry(sequences[k++], (part as PreparedAppend)?.PreparedAt(i)));
            }

            return sequences;
        }

        private sealed record Hold(bool JoinLate, bool Fail)
        {
            public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
