namespace Burrow.Agent.Inspection.Capture;

/// <summary>The inspector's view of one connection: where its exchanges are numbered, stored and published.</summary>
internal sealed class ConnectionCapture
{
    private readonly ExchangeStore _store;
    private readonly TunnelBinding _tunnel;
    private readonly long? _replayOf;

    public ConnectionCapture(ExchangeStore store, TunnelBinding tunnel, long? replayOf)
    {
        _store = store;
        _tunnel = tunnel;
        _replayOf = replayOf;
    }

    public ByteRing Ring => _store.Ring;

    public int BodyLimit => _store.BodyLimit;

    /// <summary>The first exchange begun on this connection (a replay has exactly one).</summary>
    public CapturedExchange? First { get; private set; }

    public CapturedExchange Begin(DateTimeOffset startedAt)
    {
        var exchange = new CapturedExchange(_store.NextId(), _tunnel, startedAt, _replayOf);
        First ??= exchange;
        return exchange;
    }

    public void Publish(CapturedExchange exchange) => _store.Publish(exchange);
}
