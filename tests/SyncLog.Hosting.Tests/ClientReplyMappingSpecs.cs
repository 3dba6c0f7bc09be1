using Akka.Actor;
using Akka.Hosting;
using SyncLog.Actors;

namespace SyncLog.Hosting.Tests;

/// <summary>
/// Replies the library actor of this branch does not send yet (<see cref="LibraryNotFound"/>, <see cref="LibraryOpened"/>),
/// plus timeouts and replies of the wrong type, from a scripted supervisor registered in a real Akka.Hosting host.
/// </summary>
public sealed class ClientReplyMappingSpecs(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(output: output)
{
    private static readonly Guid Library = Guid.NewGuid();

    private SyncLogClient Client => ActorRegistry.GetSyncLogClient(TimeSpan.FromSeconds(5));

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.WithActors((system, registry) =>
            registry.Register<SyncLogSupervisor>(system.ActorOf(Props.Create(() => new ScriptedSupervisor()), "scripted")));

    [Fact]
    public async Task A_missing_library_throws_LibraryNotFoundException_with_the_file_path()
    {
        var e = await Assert.ThrowsAsync<LibraryNotFoundException>(() => Client.FetchSinceAsync(Library, 0, 10));

        Assert.Equal("/data/libraries/x/sync.db", e.FilePath);
        Assert.Equal(Library, e.LibraryId);
        Assert.IsType<LibraryNotFound>(e.Reply);
    }

    [Fact]
    public async Task OpenLibrary_returns_the_latest_sequence()
    {
        Assert.Equal(42, await Client.OpenLibraryAsync(Library));
    }

    [Fact]
    public async Task A_reply_of_another_type_throws_UnexpectedSyncLogReplyException_not_InvalidCastException()
    {
        var e = await Assert.ThrowsAsync<UnexpectedSyncLogReplyException>(() => Client.GetLatestSequenceAsync(Library));
        var notProtocol = await Assert.ThrowsAsync<UnexpectedSyncLogReplyException>(() => Client.GetStatsAsync(Library));

        Assert.Equal(typeof(LatestSequence), e.ExpectedReply);
        Assert.IsType<Appended>(e.ReceivedReply);
        Assert.Contains("expects LatestSequence", e.Message, StringComparison.Ordinal);
        Assert.Equal("not a reply", notProtocol.ReceivedReply);
        Assert.Null(notProtocol.Reply);
    }

    [Fact]
    public async Task No_reply_in_time_throws_SyncLogTimeoutException_naming_the_request()
    {
        var request = new GetLeadership(Library);
        var client = Client.WithTimeout(TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAsync<SyncLogTimeoutException>(() => client.GetLeadershipAsync(Library));

        Assert.Equal(request, e.Request);
        Assert.Equal(TimeSpan.FromMilliseconds(300), e.Timeout);
        Assert.Null(e.Reply);
    }

    /// <summary>Answers each request type with a fixed reply, or not at all.</summary>
    private sealed class ScriptedSupervisor : ReceiveActor
    {
        public ScriptedSupervisor()
        {
            Receive<FetchSince>(r => Sender.Tell(new LibraryNotFound(r.LibraryId, "/data/libraries/x/sync.db")));
            Receive<OpenLibrary>(r => Sender.Tell(new LibraryOpened(r.LibraryId, 42)));
            Receive<GetLatestSequence>(r => Sender.Tell(new Appended(r.LibraryId, 1)));
            Receive<GetStats>(_ => Sender.Tell("not a reply"));
            Receive<GetLeadership>(_ => { });
        }
    }
}
