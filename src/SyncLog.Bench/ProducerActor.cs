using System.Diagnostics;
using Akka.Actor;
using HdrHistogram;

namespace SyncLog.Bench;

/// <summary>
/// One producer: keeps up to <c>window</c> requests in flight to <c>target</c>, timing each from send to reply
/// (replies to one sender come in request order, so a queue of send times pairs them up).
/// </summary>
internal sealed class ProducerActor : ReceiveActor
{
    private readonly IActorRef _target;
    private readonly Func<int, object> _request;
    private readonly Func<object, bool> _acknowledged;
    private readonly int _count;
    private readonly LongHistogram _latency;
    private readonly TaskCompletionSource<LongHistogram> _done;
    private readonly Action? _onAck;
    private readonly Queue<long> _sentAt = new();
    private int _sent;
    private int _completed;

    public ProducerActor(IActorRef target, Func<int, object> request, Func<object, bool> acknowledged, int count, int window,
        TaskCompletionSource<LongHistogram> done, Action? onAck = null)
    {
        _onAck = onAck;
        _target = target;
        _request = request;
        _acknowledged = acknowledged;
        _count = count;
        _done = done;
        _latency = new LongHistogram(TimeSpan.FromMinutes(1).Ticks, 3);
        ReceiveAny(OnReply);
        for (var i = 0; i < Math.Min(window, count); i++)
            SendNext();
    }

    public static Props Props(IActorRef target, Func<int, object> request, Func<object, bool> acknowledged, int count,
        int window, TaskCompletionSource<LongHistogram> done, Action? onAck = null) =>
        Akka.Actor.Props.Create(() => new ProducerActor(target, request, acknowledged, count, window, done, onAck));

    private void OnReply(object reply)
    {
        if (!_acknowledged(reply))
        {
            _done.TrySetException(new InvalidOperationException($"unexpected reply {reply}"));
            Context.Stop(Self);
            return;
        }

        var elapsed = Stopwatch.GetTimestamp() - _sentAt.Dequeue();
        _latency.RecordValue(elapsed * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
        _completed++;
        _onAck?.Invoke();
        if (_sent < _count)
            SendNext();
        if (_completed >= _count)
        {
            _done.TrySetResult(_latency);
            Context.Stop(Self);
        }
    }

    private void SendNext()
    {
        _sentAt.Enqueue(Stopwatch.GetTimestamp());
        _target.Tell(_request(_sent++));
    }
}
