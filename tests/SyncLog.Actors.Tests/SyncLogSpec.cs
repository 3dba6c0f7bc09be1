using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Base of the actor specs: a TestKit actor system built from the real synclog.hocon over a fresh temp data dir,
/// with the host attached as device "device-a". Each spec owns its data dir and removes it afterwards.
/// </summary>
public abstract class SyncLogSpec : Akka.TestKit.Xunit2.TestKit
{
    protected const string ThisDevice = "device-a";
    protected const string OtherDevice = "device-b";
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected SyncLogSpec(string extraHocon = "", string? dataDir = null)
        : this(new Setup(dataDir ?? NewDataDir(), extraHocon))
    {
    }

    private SyncLogSpec(Setup setup)
        : base(SyncLogConfig.Build(ConfigFor(setup.DataDir, ThisDevice, setup.ExtraHocon)))
    {
        DataDir = setup.DataDir;
        Host = SyncLogHost.Attach(Sys);
    }

    protected string DataDir { get; }

    protected SyncLogHost Host { get; }

    protected IActorRef Supervisor => Host.Supervisor;

    /// <summary>
    /// Akka.Remote on loopback, a free port, plain TCP, trusted mode: an actor ref of another system is then a remote ref
    /// that survives serialization and a peer can name any path, where a local provider would resolve it to dead letters.
    /// </summary>
    protected const string LoopbackRemoting = """
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        """;

    protected static string NewDataDir() =>
        Path.Combine(Path.GetTempPath(), "synclog-actor-tests", Guid.NewGuid().ToString("N"));

    internal static Config ConfigFor(string dataDir, string deviceId, string extraHocon = "") =>
        ConfigurationFactory.ParseString($$"""
            synclog {
              data-dir = {{SyncLogConfig.Quote(dataDir)}}
              data-dir-env = ""
              device-id = "{{deviceId}}"
              storage.synchronous = normal
            }
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            {{extraHocon}}
            """);

    protected static NewSyncLogEntry Entry(int n = 0, string device = ThisDevice, string model = "album",
        string? record = null, DateTimeOffset? at = null) =>
        new(device, at ?? DateTimeOffset.UtcNow, model, record ?? Guid.NewGuid().ToString(), ChangeType.Insert,
            $$"""{"n":{{n}},"name":"item {{n}}"}""");

    /// <summary>Declares <paramref name="leader"/> at <paramref name="term"/> and waits for the acknowledgement.</summary>
    protected void Lead(Guid library, string leader = ThisDevice, long term = 1, TestProbe? probe = null)
    {
        probe ??= CreateTestProbe();
        Supervisor.Tell(new LeadershipChanged(library, leader, term), probe.Ref);
        probe.ExpectMsg<LeadershipAck>(Patience);
    }

    protected long AppendOne(Guid library, NewSyncLogEntry entry, TestProbe? probe = null)
    {
        probe ??= CreateTestProbe();
        Supervisor.Tell(new Append(library, entry), probe.Ref);
        return probe.ExpectMsg<Appended>(Patience).Sequence;
    }

    protected List<SyncLogEntry> ReadAll(Guid library, TestProbe? probe = null, int pageSize = 1000) =>
        ReadAll(Supervisor, library, probe ?? CreateTestProbe(), Patience, pageSize: pageSize);

    /// <summary>
    /// Every entry of <paramref name="library"/> after <paramref name="after"/> on the host of <paramref name="supervisor"/>,
    /// paged with FetchSince; none of it may have been vacuumed.
    /// </summary>
    internal static List<SyncLogEntry> ReadAll(IActorRef supervisor, Guid library, TestProbe probe, TimeSpan patience,
        long after = 0, int pageSize = 1000)
    {
        var all = new List<SyncLogEntry>();
        var since = after;
        while (true)
        {
            supervisor.Tell(new FetchSince(library, since, pageSize), probe.Ref);
            var page = probe.ExpectMsg<Fetched>(patience).Result;
            Assert.False(page.IsTruncated);
            all.AddRange(page.Entries);
            if (!page.HasMore)
                return all;
            since = page.Entries[^1].Sequence;
        }
    }

    /// <summary>The actor at <paramref name="path"/> in <paramref name="target"/>, as <paramref name="from"/> sees it over the wire.</summary>
    protected static async Task<IActorRef> Resolve(ActorSystem from, ActorSystem target, ActorPath path) =>
        await from.ActorSelection(new RootActorPath(((ExtendedActorSystem)target).Provider.DefaultAddress) / path.Elements)
            .ResolveOne(Patience);

    protected string LibraryFile(Guid library) => SyncLogDb.PathFor(library, DataDir);

    /// <summary>
    /// Holds <paramref name="library"/>'s file and sends it <c>Append(Entry(1))</c> from <paramref name="probe"/>: that
    /// append is in flight, unanswered, until the returned hold is released.
    /// </summary>
    protected WriterHold HoldAppendInFlight(Guid library, TestProbe probe)
    {
        var hold = new WriterHold(LibraryFile(library));
        try
        {
            Supervisor.Tell(new Append(library, Entry(1)), probe.Ref);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            return hold;
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    private sealed record Setup(string DataDir, string ExtraHocon);

    protected override void AfterAll()
    {
        // Stop the supervisor first so every library closes its file, then the system.
        Host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.AfterAll();
        TempDirs.Remove(DataDir);
    }
}
