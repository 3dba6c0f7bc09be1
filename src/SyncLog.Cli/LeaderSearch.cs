using Akka.Actor;
using SyncLog.Actors;

namespace SyncLog.Cli;

/// <summary>
/// How <c>synclog follow</c> finds the leader among its <c>--leader</c> candidates. A search never fails: a candidate
/// that cannot be reached, does not lead, or answers with an error is a candidate that cannot be followed yet, said in
/// <see cref="Candidate.Problem"/>, and the caller looks again with backoff.
/// </summary>
internal sealed class LeaderSearch(ActorSystem system, Guid library, IReadOnlyList<string> candidates, TimeSpan askTimeout)
{
    /// <summary>
    /// One candidate is followed as soon as it answers (the follower itself checks that it leads). Of several, only one
    /// that says it leads can be followed; the highest term wins a split brain.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (Ctrl-C): at once, not after the
    /// candidates' resolve and ask timeouts, which are left to run out on their own.</exception>
    public Task<Candidate> FindAsync(CancellationToken ct = default) => FindAllAsync().WaitAsync(ct);

    private async Task<Candidate> FindAllAsync()
    {
        if (candidates.Count == 1)
        {
            var (gateway, problem) = await TryResolve(candidates[0]);
            return new Candidate(candidates[0], gateway, 0, problem ?? "");
        }

        var answers = await Task.WhenAll(candidates.Select(Probe));
        return answers.Where(a => a.Gateway is not null).MaxBy(a => a.Term)
               ?? new Candidate("", null, 0, $"no candidate leads library {library}: {string.Join("; ", answers.Select(a => a.Problem))}");
    }

    private async Task<Candidate> Probe(string address)
    {
        var (gateway, problem) = await TryResolve(address);
        if (gateway is null)
            return new Candidate(address, null, 0, problem!);
        object reply;
        try
        {
            reply = await gateway.Ask<object>(new GetLeadership(library), askTimeout);
        }
        catch (AskTimeoutException)
        {
            return new Candidate(address, null, 0, $"{address} did not answer within {DurationText.Format(askTimeout)}");
        }
        catch (Exception e)
        {
            // E.g. a failure the candidate answered with, or remoting giving up on it: this candidate, not the search.
            return new Candidate(address, null, 0, $"asking {address} who leads failed: {ErrorReport.OneLine(e.Message)}");
        }

        return reply switch
        {
            Leadership { IsThisDevice: true } mine => new Candidate(address, gateway, mine.Term, ""),
            Leadership other => new Candidate(address, null, other.Term,
                $"{address} does not lead ({other.LeaderDeviceId ?? "nobody"} leads at term {other.Term})"),
            _ => new Candidate(address, null, 0, $"{address} answered {reply.GetType().Name}"),
        };
    }

    private async Task<(IActorRef? Gateway, string? Problem)> TryResolve(string address)
    {
        try
        {
            if (await Identify(address) is { } gateway)
                return (gateway, null);

            // No gateway there, but "nothing there" is also what dead letters answer for a host that cannot be reached:
            // only the host's user guardian answering tells a host that is up from one that is not.
            return await Identify(ActorPath.Parse(address).Root.Child("user").ToString()) is null
                ? (null, $"{address} is not reachable")
                : (null, $"{address} answers, but runs no synclog gateway (a synclog serve starting or stopping, or a synclog process that does not serve)");
        }
        catch (AskTimeoutException)
        {
            return (null, $"{address} did not answer within {DurationText.Format(askTimeout)}");
        }
        catch (Exception e)
        {
            return (null, $"{address} could not be resolved: {ErrorReport.OneLine(e.Message)}");
        }
    }

    private async Task<IActorRef?> Identify(string path) =>
        (await system.ActorSelection(path).Ask<ActorIdentity>(new Identify(null), askTimeout)).Subject;

    /// <summary>A candidate leader as last asked: its gateway when it can be followed, else why not.</summary>
    public sealed record Candidate(string Address, IActorRef? Gateway, long Term, string Problem);
}
