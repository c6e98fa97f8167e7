namespace Burrow.Agent.Inspection.Capture;

/// <summary>
/// The inspector's memory: captured bytes in a <see cref="ByteRing"/> capped in bytes, and the list of exchanges in
/// the order they were published, from which the oldest go first: when the ring has overwritten an exchange's first
/// byte, or when there are more than <see cref="MaxEntries"/>. Publishing never waits; listeners are told through
/// bounded queues.
/// </summary>
internal sealed class ExchangeStore
{
    /// <summary>
    /// One list entry per this many bytes of buffer (8,192 entries at the default 64 MiB). The fields kept outside the
    /// ring cost about 700 bytes an entry, and as many again while evicted entries wait for a full garbage collection;
    /// at one entry per 8 KiB that stays near a sixth of the buffer however small the requests (measured: small
    /// requests at c50 for 20 s, agent RSS with the inspector on vs off).
    /// </summary>
    public const int BytesPerEntry = 8192;

    private readonly Lock _lock = new();
    private readonly Queue<CapturedExchange> _order = new();
    private readonly Dictionary<long, CapturedExchange> _byId = [];
    private readonly HashSet<TunnelBinding> _tunnels = [];
    private ExchangeSubscription[] _subscribers = [];
    private long _nextId;
    private long _clearedThrough;

    public ExchangeStore(long bufferSize, int bodyLimit, TimeProvider time)
    {
        Ring = new ByteRing(bufferSize);
        BodyLimit = bodyLimit;
        Time = time;
        MaxEntries = (int)Math.Max(100, Ring.Capacity / BytesPerEntry);
    }

    public ByteRing Ring { get; }

    /// <summary>Bytes kept per body; the rest is counted, not kept.</summary>
    public int BodyLimit { get; }

    public TimeProvider Time { get; }

    public int MaxEntries { get; }

    public long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Starts capturing one connection of a tunnel (or a replay of <paramref name="replayOf"/>).</summary>
    public ConnectionCapture Open(TunnelBinding tunnel, long? replayOf = null)
    {
        lock (_lock)
        {
            _tunnels.Add(tunnel);
        }

        return new ConnectionCapture(this, tunnel, replayOf);
    }

    /// <summary>Tunnels seen so far, by name.</summary>
    public IReadOnlyList<TunnelBinding> Tunnels()
    {
        lock (_lock)
        {
            return [.. _tunnels.OrderBy(t => t.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>Adds an exchange to the list (the first time) and tells listeners it changed.</summary>
    public void Publish(CapturedExchange exchange)
    {
        lock (_lock)
        {
            if (exchange.Evicted || exchange.Id <= _clearedThrough)
            {
                return;
            }

            if (!Ring.IsLive(exchange.FirstPosition))
            {
                exchange.Evicted = true;
                return;
            }

            if (_byId.TryAdd(exchange.Id, exchange))
            {
                _order.Enqueue(exchange);
                Prune();
            }
        }

        Notify(new ExchangeEvent(ExchangeEventKind.Updated, exchange));
    }

    /// <summary>Exchanges still held, oldest first.</summary>
    public List<CapturedExchange> Snapshot()
    {
        CapturedExchange[] all;
        lock (_lock)
        {
            all = [.. _order];
        }

        return [.. all.Where(IsLive)];
    }

    public CapturedExchange? Find(long id)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(id) is { } found && IsLive(found) ? found : null;
        }
    }

    /// <summary>Forgets every exchange so far, including any still in flight.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var exchange in _order)
            {
                exchange.Evicted = true;
            }

            _order.Clear();
            _byId.Clear();
            _clearedThrough = Interlocked.Read(ref _nextId);
        }

        Notify(new ExchangeEvent(ExchangeEventKind.Cleared, null));
    }

    public ExchangeSubscription Subscribe()
    {
        var subscription = new ExchangeSubscription(Unsubscribe);
        lock (_lock)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    /// <summary>Ends every listener's stream (the inspector is stopping).</summary>
    public void CompleteSubscribers()
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Complete();
        }
    }

    private bool IsLive(CapturedExchange exchange) => !exchange.Evicted && Ring.IsLive(exchange.FirstPosition);

    private void Unsubscribe(ExchangeSubscription subscription)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers.Where(s => s != subscription)];
        }
    }

    private void Prune()
    {
        while (_order.TryPeek(out var oldest) && (_order.Count > MaxEntries || !Ring.IsLive(oldest.FirstPosition)))
        {
            _order.Dequeue();
            _byId.Remove(oldest.Id);
            oldest.Evicted = true;
        }
    }

    private void Notify(ExchangeEvent item)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Post(item);
        }
    }
}
