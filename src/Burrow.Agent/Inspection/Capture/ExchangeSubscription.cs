using System.Threading.Channels;

namespace Burrow.Agent.Inspection.Capture;

/// <summary>
/// One live listener (a browser tab's event stream). Its queue is bounded: a listener that falls behind loses events
/// and is told to reload (<see cref="Overflowed"/>) rather than slowing capture or growing memory.
/// </summary>
internal sealed class ExchangeSubscription : IDisposable
{
    /// <summary>Events a slow listener may lag behind before it has to reload.</summary>
    public const int Capacity = 1024;

    private readonly Channel<ExchangeEvent> _events = Channel.CreateBounded<ExchangeEvent>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Action<ExchangeSubscription> _unsubscribe;
    private int _overflowed;

    public ExchangeSubscription(Action<ExchangeSubscription> unsubscribe)
    {
        _unsubscribe = unsubscribe;
    }

    public ChannelReader<ExchangeEvent> Events => _events.Reader;

    /// <summary>Events were dropped since the last call; resets the flag.</summary>
    public bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) != 0;

    /// <summary>Never waits: a full queue drops the event and marks the overflow.</summary>
    public void Post(ExchangeEvent item)
    {
        if (!_events.Writer.TryWrite(item))
        {
            Interlocked.Exchange(ref _overflowed, 1);
        }
    }

    public void Complete() => _events.Writer.TryComplete();

    public void Dispose()
    {
        _unsubscribe(this);
        Complete();
    }
}
