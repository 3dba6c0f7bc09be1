using System.Security.Cryptography;
using Akka.Actor;
using Akka.TestKit;
using SyncLog.Actors.Writes;

namespace SyncLog.Actors.Tests;

/// <summary>
/// A host reachable over the network (Akka.Remote) without <c>synclog.serve.allow-writes</c>: writes through
/// <see cref="SyncLogHost.Supervisor"/> are the app's own and taken, across passivation, a held library and a restart;
/// a write told to the supervisor or library actor itself, even from a local sender, or wrapped with a wrong token, is
/// refused and writes nothing.
/// </summary>
public sealed class LocalTrustSpecs() : SyncLogSpec(LoopbackRemoting + "\nsynclog.passivate-after = 300ms")
{
    private readonly Guid _library = Guid.NewGuid();

    [Fact]
    public async Task Writes_through_the_hosts_Supervisor_and_Client_are_taken_on_a_networked_host()
    {
        Assert.True(ServedRequests.IsNetworked(Sys));
        Lead(_library);
        Assert.Equal(1, AppendOne(_library, Entry(1)));
        Assert.Equal(2, await Host.Client.AppendAsync(_library, Entry(2)));
        Assert.Equal([3L, 4L], await Host.Client.AppendBatchAsync(_library, [Entry(3), Entry(4)]));
    }

    [Fact]
    public async Task A_write_told_to_the_supervisor_or_library_actor_itself_is_refused_whoever_the_sender()
    {
        var probe = LeadWithOneEntry();
        var (supervisor, library) = await ActorsOf(_library);

        // A local probe as sender, as a peer naming a local path would look: the sender proves nothing.
        foreach (var target in new[] { supervisor, library })
        {
            target.Tell(new Append(_library, Entry(9)), probe.Ref);
            Assert.Equal(nameof(Append), probe.ExpectMsg<RequestNotServed>(Patience).Request);
            target.Tell(new LeadershipChanged(_library, OtherDevice, 9), probe.Ref);
            Assert.Equal(nameof(LeadershipChanged), probe.ExpectMsg<RequestNotServed>(Patience).Request);
        }

        // Reads and following stay open to anyone.
        library.Tell(new GetLatestSequence(_library), probe.Ref);
        Assert.Equal(1, probe.ExpectMsg<LatestSequence>(Patience).Sequence);
        AssertUntouched();
    }

    [Fact]
    public async Task An_ack_told_to_the_supervisor_or_library_actor_itself_cannot_replace_a_known_followers_log()
    {
        var probe = LeadWithOneEntry();
        AppendOne(_library, Entry(2), probe);
        var phoneLog = Guid.NewGuid();
        Supervisor.Tell(new AcknowledgeReplicated(_library, "phone", phoneLog, 1), probe.Ref);
        probe.ExpectMsg<ReplicationAcknowledged>(Patience);
        var (supervisor, library) = await ActorsOf(_library);

        // A local probe as sender, as a peer naming a local path would look: resetting the phone is the app's act only.
        foreach (var target in new[] { supervisor, library })
        {
            target.Tell(new AcknowledgeReplicated(_library, "phone", Guid.NewGuid(), 2), probe.Ref);
            Assert.Equal(AcknowledgementRefusalReason.ReplaceNotServed, probe.ExpectMsg<AcknowledgementRefused>(Patience).Reason);
        }

        // The phone's own log still counts, and the app may still replace it.
        supervisor.Tell(new AcknowledgeReplicated(_library, "phone", phoneLog, 2), probe.Ref);
        Assert.Equal(2, probe.ExpectMsg<ReplicationAcknowledged>(Patience).AckedSequence);
        var reset = Guid.NewGuid();
        Supervisor.Tell(new AcknowledgeReplicated(_library, "phone", reset, 1), probe.Ref);
        Assert.Equal(reset, probe.ExpectMsg<ReplicationAcknowledged>(Patience).FollowerLogId);
    }

    [Fact]
    public async Task A_subscription_told_to_the_supervisor_or_library_actor_itself_cannot_name_a_local_subscriber()
    {
        var probe = LeadWithOneEntry();
        var app = CreateTestProbe();
        Supervisor.Tell(new Subscribe(_library, 0, app.Ref, 100), app.Ref);
        app.ExpectMsg<SubscriptionStarted>(Patience);
        app.ExpectMsg<SubscriptionEntries>(Patience);
        var (supervisor, library) = await ActorsOf(_library);
        var victim = CreateTestProbe();

        // As a peer naming local paths would look: pushes aimed at a local actor, the app's subscription ended.
        foreach (var target in new[] { supervisor, library })
        {
            target.Tell(new Subscribe(_library, 0, victim.Ref, 100), probe.Ref);
            Assert.Equal(nameof(Subscribe), probe.ExpectMsg<RequestNotServed>(Patience).Request);
            target.Tell(new RequestEntries(_library, app.Ref, 100), probe.Ref);
            Assert.Equal(nameof(RequestEntries), probe.ExpectMsg<RequestNotServed>(Patience).Request);
            target.Tell(new Unsubscribe(_library, app.Ref), probe.Ref);
            Assert.Equal(nameof(Unsubscribe), probe.ExpectMsg<RequestNotServed>(Patience).Request);
        }

        // The app's subscription goes on; nothing reached the victim.
        AppendOne(_library, Entry(2), probe);
        Assert.Equal([2L], app.ExpectMsg<SubscriptionEntries>(Patience).Entries.Select(e => e.Sequence));
        victim.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_LocalRequest_with_a_wrong_token_is_refused_and_writes_nothing()
    {
        var probe = LeadWithOneEntry();
        var (supervisor, library) = await ActorsOf(_library);

        foreach (var target in new[] { supervisor, library })
        {
            foreach (var token in new[] { RandomNumberGenerator.GetBytes(32), new byte[32], Array.Empty<byte>() })
            {
                target.Tell(new LocalRequest(token, new LeadershipChanged(_library, OtherDevice, 9)), probe.Ref);
                var refused = probe.ExpectMsg<RequestNotServed>(Patience);
                Assert.Equal(nameof(LeadershipChanged), refused.Request);
                Assert.Contains("token", refused.Reason, StringComparison.Ordinal);
            }

            // Not even a read: a forged wrapper is refused as such.
            target.Tell(new LocalRequest(RandomNumberGenerator.GetBytes(32), new GetLatestSequence(_library)), probe.Ref);
            Assert.Equal(nameof(GetLatestSequence), probe.ExpectMsg<RequestNotServed>(Patience).Request);
        }

        Assert.DoesNotContain("Token", new LocalRequest(RandomNumberGenerator.GetBytes(32), new GetStats(_library)).ToString(), StringComparison.OrdinalIgnoreCase);
        AssertUntouched();
    }

    [Fact]
    public void A_local_write_to_a_passivated_library_is_taken_by_its_next_incarnation()
    {
        var probe = LeadWithOneEntry();
        var first = LibraryActor(_library);
        Watch(first);
        ExpectTerminated(first, Patience);

        Assert.Equal(2, AppendOne(_library, Entry(2), probe));
        Assert.NotEqual(first, LibraryActor(_library));
    }

    [Fact]
    public async Task A_local_write_held_while_its_library_stops_is_taken_by_the_next_incarnation()
    {
        var probe = LeadWithOneEntry();
        var (supervisor, library) = await ActorsOf(_library);
        var passivation = CreateTestProbe();
        // The passivation handshake, with the stop held back: the supervisor holds the library's requests meanwhile.
        supervisor.Tell(new Passivate(_library), passivation.Ref);
        passivation.ExpectMsg<StopWhenIdle>(Patience);

        Supervisor.Tell(new Append(_library, Entry(2)), probe.Ref);
        Supervisor.Tell(new LeadershipChanged(_library, ThisDevice, 2), probe.Ref);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Watch(library);
        library.Tell(StopWhenIdle.Instance, supervisor);
        ExpectTerminated(library, Patience);

        // Two pipelines (the log and the leadership journal): the replies may come in either order.
        var replies = probe.ReceiveN(2, Patience);
        Assert.Equal(2, Assert.Single(replies.OfType<Appended>()).Sequence);
        Assert.Equal(2, Assert.Single(replies.OfType<LeadershipAck>()).Term);
    }

    [Fact]
    public void Local_writes_stashed_by_a_restarting_library_are_taken_after_the_restart()
    {
        var probe = LeadWithOneEntry();
        var failures = 1;
        LogWriterSeam.Get(Sys).BeforeHandling = (_, message) =>
        {
            if (message is GetLeadership && Interlocked.Decrement(ref failures) >= 0)
                throw new InvalidOperationException("injected handler bug");
        };

        // The appends reach the new incarnation while it recovers, and wait in its stash.
        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        for (var n = 2; n <= 4; n++)
            Supervisor.Tell(new Append(_library, Entry(n)), probe.Ref);

        probe.ExpectMsg<StorageFailure>(Patience);
        Assert.Equal([2L, 3L, 4L], probe.ReceiveN(3, Patience).Select(m => Assert.IsType<Appended>(m).Sequence));
    }

    [Fact]
    public async Task A_local_request_sent_after_the_supervisor_stopped_is_answered_once()
    {
        var probe = CreateTestProbe();
        Lead(_library, probe: probe);
        await Host.SupervisorActor.GracefulStop(Patience);

        Supervisor.Tell(new Append(_library, Entry(1)), probe.Ref);

        Assert.Contains("stopped", probe.ExpectMsg<StorageFailure>(Patience).Reason, StringComparison.Ordinal);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Watching_the_hosts_Supervisor_sees_the_supervisor_stop()
    {
        Watch(Supervisor);
        Supervisor.Tell(PoisonPill.Instance);
        ExpectTerminated(Supervisor, Patience);
    }

    // As the app left it, through the host's own Supervisor: device-a leads at term 1 and sequence 1 is written.
    // Returns the probe that saw it, for the spec to go on with.
    private TestProbe LeadWithOneEntry()
    {
        var probe = CreateTestProbe();
        Lead(_library, probe: probe);
        AppendOne(_library, Entry(1), probe);
        return probe;
    }

    private async Task<(IActorRef Supervisor, IActorRef Library)> ActorsOf(Guid library)
    {
        var supervisor = await Sys.ActorSelection(Supervisor.Path).ResolveOne(Patience);
        Assert.IsNotType<LocalEntrance>(supervisor);
        return (supervisor, LibraryActor(library));
    }

    private IActorRef LibraryActor(Guid library) =>
        Sys.ActorSelection(Supervisor.Path / SyncLogSupervisor.ChildName(library)).ResolveOne(Patience).GetAwaiter().GetResult();

    // Leadership and log as the app left them: device-a at term 1, one entry.
    private void AssertUntouched()
    {
        var probe = CreateTestProbe();
        Supervisor.Tell(new GetLeadership(_library), probe.Ref);
        var leadership = probe.ExpectMsg<Leadership>(Patience);
        Assert.Equal((ThisDevice, 1L), (leadership.LeaderDeviceId, leadership.Term));
        Assert.Equal([1L], ReadAll(_library).Select(e => e.Sequence));
    }
}
