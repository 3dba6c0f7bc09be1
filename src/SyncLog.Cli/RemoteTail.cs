using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>
/// <c>tail --follow</c> through a served host's gateway: a live subscription (<see cref="SyncLogSource"/> across
/// Akka.Remote) after the last printed sequence, printing entries as the host commits them, until the subscription is
/// lost (the host went away, its library stopped) or Ctrl-C. What to do after a loss is the caller's choice.
/// </summary>
internal sealed class RemoteTail(ActorSystem system, string address, Guid library, FollowerSettings settings, TailPrinter printer)
{
    private readonly IMaterializer _materializer = system.Materializer();

    /// <summary>The gateway's address, as <c>--leader</c> or <c>serve.json</c> gave it.</summary>
    public string Address => address;

    /// <summary>The gateway, or null when nothing answers at the address within the ask timeout.</summary>
    public async Task<IActorRef?> TryResolveAsync()
    {
        try
        {
            return await system.ActorSelection(address).ResolveOne(settings.AskTimeout);
        }
        catch (ActorNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The library's latest sequence on the served host; null when no answer came in time.</summary>
    /// <exception cref="CliRefusedException">The host refused (an unknown library, say).</exception>
    public async Task<long?> TryLatestAsync(IActorRef gateway, CancellationToken ct)
    {
        try
        {
            return Replies.Expect<LatestSequence>(await gateway.Ask(new GetLatestSequence(library), settings.AskTimeout, ct)).Sequence;
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Prints what the host pushes after <see cref="TailPrinter.Since"/>, going on past a vacuum as <c>tail</c> does;
    /// returns why the subscription was lost, or null once <paramref name="ct"/> is cancelled.
    /// </summary>
    /// <exception cref="CliRefusedException">The host refused the subscription.</exception>
    public async Task<string?> FollowAsync(IActorRef gateway, CancellationToken ct)
    {
        // Nothing comes from a host that is gone, not even the end of the subscription: watch its gateway.
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = system.ActorOf(GatewayWatch.Props(gateway, gone));
        try
        {
            return await FollowWhileThereAsync(gateway, gone.Task, ct);
        }
        finally
        {
            system.Stop(watch);
        }
    }

    private async Task<string?> FollowWhileThereAsync(IActorRef gateway, Task gone, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var (stop, done) = SyncLogSource.EntriesAfter(gateway, library, printer.Since)
                .ViaMaterialized(KillSwitches.Single<SyncLogEntry>(), Keep.Right)
                .ToMaterialized(Sink.ForEach<SyncLogEntry>(printer.Print), Keep.Both)
                .Run(_materializer);
            await using (ct.Register(stop.Shutdown))
            {
                try
                {
                    if (await Task.WhenAny(done, gone) == gone)
                    {
                        stop.Shutdown();
                        // The caller goes on after the last printed entry: let the stream finish printing first (how it
                        // ends no longer matters, so its outcome is not observed).
                        await Task.WhenAny(done);
                        return "it stopped or cannot be reached";
                    }

                    await done;
                }
                catch (SyncLogSubscriptionEndedException e) when (e.Reason == SubscriptionEndReason.Truncated)
                {
                    printer.Vacuumed(e.VacuumedThroughSequence);
                    continue;
                }
                catch (SyncLogSubscriptionEndedException e)
                {
                    return e.Reason == SubscriptionEndReason.LibraryStopped
                        ? "its library stopped: the host is shutting down, or closed the library to free a slot for another under synclog.max-open-libraries"
                        : $"its library failed: {ErrorReport.OneLine(e.Message)}";
                }
                catch (SyncLogException e)
                {
                    throw new CliRefusedException($"the served host at {address} refused the subscription: {ErrorReport.OneLine(e.Message)}");
                }
            }

            // Only an unsubscribe completes the stream, and this tail sends one only on Ctrl-C.
            if (!ct.IsCancellationRequested)
                return "the subscription ended";
        }

        return null;
    }
}
