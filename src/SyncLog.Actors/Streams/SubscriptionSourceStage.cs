using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// The stage behind <see cref="SyncLogSource.EntriesAfter"/>: its stage actor is the subscriber. It keeps at most
/// <c>prefetch</c> entries received or requested, and asks for more when half of that is consumed.
/// </summary>
internal sealed class SubscriptionSourceStage(IActorRef supervisor, Guid libraryId, long afterSequence, int prefetch)
    : GraphStage<SourceShape<SyncLogEntry>>
{
    private readonly Outlet<SyncLogEntry> _out = new("SyncLogSource.out");
    private readonly IActorRef _supervisor = supervisor;
    private readonly Guid _libraryId = libraryId;
    private readonly long _afterSequence = afterSequence;
    private readonly int _prefetch = prefetch;

    public override SourceShape<SyncLogEntry> Shape => new(_out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly SubscriptionSourceStage _stage;
        private readonly Queue<SyncLogEntry> _received = new();
        private StageActor? _self;
        private long _requested;
        private bool _ended;
        private Exception? _failure;

        public Logic(SubscriptionSourceStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._out, this);
        }

        public override void PreStart()
        {
            _self = GetStageActor(OnMessage);
            _requested = _stage._prefetch;
            _stage._supervisor.Tell(new Subscribe(_stage._libraryId, _stage._afterSequence, _self.Ref, _stage._prefetch), _self.Ref);
        }

        public override void OnPull() => Deliver();

        public override void OnDownstreamFinish(Exception cause)
        {
            Unsubscribe();
            base.OnDownstreamFinish(cause);
        }

        public override void PostStop() => Unsubscribe();

        private void OnMessage((IActorRef Sender, object Message) received)
        {
            switch (received.Message)
            {
                case SubscriptionStarted:
                    break;
                case SubscriptionEntries page:
                    foreach (var entry in page.Entries)
                        _received.Enqueue(entry);
                    _requested -= page.Entries.Count;
                    Deliver();
                    break;
                case SubscriptionEnded ended:
                    _ended = true;
                    _failure = ended.Reason == SubscriptionEndReason.Unsubscribed ? null : new SyncLogSubscriptionEndedException(ended);
                    Deliver();
                    break;
                case ILibraryReply refusal:
                    _ended = true;
                    FailStage(SyncLogClient.ToException(refusal)
                              ?? new UnexpectedSyncLogReplyException(new Subscribe(_stage._libraryId, _stage._afterSequence, _self!.Ref), typeof(SubscriptionStarted), refusal));
                    break;
            }
        }

        private void Deliver()
        {
            if (_received.Count > 0 && IsAvailable(_stage._out))
                Push(_stage._out, _received.Dequeue());
            if (_ended)
            {
                if (_received.Count == 0)
                {
                    if (_failure is null)
                        CompleteStage();
                    else
                        FailStage(_failure);
                }

                return;
            }

            // Ask again once half the window is free, in one message, so demand costs one message per prefetch/2 entries.
            var free = _stage._prefetch - _received.Count - _requested;
            if (free >= Math.Max(1, _stage._prefetch / 2))
            {
                _requested += free;
                _stage._supervisor.Tell(new RequestEntries(_stage._libraryId, _self!.Ref, free), _self.Ref);
            }
        }

        private void Unsubscribe()
        {
            if (_ended || _self is null)
                return;
            _ended = true;
            _stage._supervisor.Tell(new Unsubscribe(_stage._libraryId, _self.Ref), _self.Ref);
        }
    }
}
