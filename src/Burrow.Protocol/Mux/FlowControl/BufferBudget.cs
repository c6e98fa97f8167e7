namespace Burrow.Protocol.Mux.FlowControl;

/// <summary>
/// Bytes buffered for streams across many channels (a whole server), counted against one limit. Channels charge it
/// as they charge their own budget; when it is spent, whoever admits new work (the edge, <see cref="ServerMuxConnection.OpenStreamAsync"/>)
/// turns new work away, while streams already open carry on within their channel's budget. Thread-safe.
/// </summary>
public sealed class BufferBudget
{
    private long _used;

    public BufferBudget(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    public long Limit { get; }

    public long Used => Volatile.Read(ref _used);

    /// <summary>True while the budget is spent: admit no new streams or requests.</summary>
    public bool IsExhausted => Volatile.Read(ref _used) >= Limit;

    internal void Add(long bytes) => Interlocked.Add(ref _used, bytes);
}
