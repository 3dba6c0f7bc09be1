using Akka.Actor;
using SyncLog.Actors;

namespace SyncLog.Cli.Tests;

/// <summary>
/// How <c>synclog follow</c> picks its leader among candidates: a candidate that fails in any way is one that cannot be
/// followed yet, never the end of the search (the command then looks again with backoff).
/// </summary>
public sealed class LeaderSearchSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
    private readonly Guid _library = Guid.NewGuid();

    private string Candidate(string name, Func<object> answer)
    {
        var actor = Sys.ActorOf(Props.Create(() => new Answering(answer)), name);
        return actor.Path.ToString();
    }

    [Fact]
    public async Task A_candidate_that_answers_with_a_failure_does_not_stop_the_search_for_the_one_that_leads()
    {
        var broken = Candidate("broken", () => new Status.Failure(new InvalidOperationException("the candidate's host broke")));
        var leader = Candidate("leader", () => new Leadership(_library, "phone", 3, IsThisDevice: true));
        var follower = Candidate("follower", () => new Leadership(_library, "phone", 3, IsThisDevice: false));

        var found = await new LeaderSearch(Sys, _library, [broken, follower, leader], AskTimeout).FindAsync();

        Assert.Equal((leader, 3L), (found.Address, found.Term));
        Assert.NotNull(found.Gateway);
    }

    [Fact]
    public async Task When_every_candidate_fails_the_search_says_why_for_each_instead_of_throwing()
    {
        var broken = Candidate("broken", () => new Status.Failure(new InvalidOperationException("the candidate's host broke")));
        var missing = $"{Sys.ActorOf(Props.Empty, "placeholder").Path.Parent}/absent";

        var found = await new LeaderSearch(Sys, _library, [broken, missing], AskTimeout).FindAsync();

        Assert.Null(found.Gateway);
        Assert.Contains($"asking {broken} who leads failed: the candidate's host broke", found.Problem, StringComparison.Ordinal);
        Assert.Contains($"{missing} answers, but runs no synclog gateway", found.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_cannot_be_reached_is_not_reachable_although_dead_letters_answer_identify_with_nothing()
    {
        // This system has no remoting: a remote path resolves to dead letters, which answer Identify with no subject, as
        // they do for a remote host that refuses the connection.
        const string Nowhere = "akka.tcp://synclog@127.0.0.1:9/user/synclog-gateway";

        var found = await new LeaderSearch(Sys, _library, [Nowhere], AskTimeout).FindAsync();

        Assert.Null(found.Gateway);
        Assert.Equal($"{Nowhere} is not reachable", found.Problem);
    }

    [Fact]
    public async Task Cancelling_a_search_ends_it_at_once_while_a_candidate_has_yet_to_answer()
    {
        var silent = Sys.ActorOf(Props.Empty, "silent").Path.ToString();
        var leader = Candidate("leader", () => new Leadership(_library, "phone", 3, IsThisDevice: true));
        var search = new LeaderSearch(Sys, _library, [silent, leader], AskTimeout);
        using var ctrlC = new CancellationTokenSource();

        var finding = search.FindAsync(ctrlC.Token);
        await ctrlC.CancelAsync();

        // Not the silent candidate's "did not answer" after the ask timeout: Ctrl-C during a search ends follow now.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => finding);
    }

    private sealed class Answering : ReceiveActor
    {
        public Answering(Func<object> answer) => Receive<GetLeadership>(_ => Sender.Tell(answer()));
    }
}
