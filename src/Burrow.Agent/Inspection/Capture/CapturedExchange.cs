using System.Net;

namespace Burrow.Agent.Inspection.Capture;

/// <summary>
/// One request and its response as the inspector keeps them: a few fields for the list and filters, and the raw
/// heads and bodies in the store's ring. The request side is written by the loop copying to the local server, the
/// response side by the loop copying back; the list fields are set before the exchange is published.
/// </summary>
internal sealed class CapturedExchange
{
    private long _durationTicks = -1;
    private long _firstByteTicks = -1;
    private int _status;
    private int _state;

    public CapturedExchange(long id, TunnelBinding tunnel, DateTimeOffset startedAt, long? replayOf)
    {
        Id = id;
        Tunnel = tunnel;
        StartedAt = startedAt;
        ReplayOf = replayOf;
    }

    public long Id { get; }

    public TunnelBinding Tunnel { get; }

    /// <summary>The exchange this one replayed, if it is a replay.</summary>
    public long? ReplayOf { get; }

    public DateTimeOffset StartedAt { get; }

    public string Method { get; set; } = "";

    /// <summary>Path and query as in the request line.</summary>
    public string Path { get; set; } = "";

    /// <summary>The public client, from the X-Forwarded-For the server sets (null for a request that did not come through it).</summary>
    public string? ClientAddress { get; set; }

    public CapturedMessage Request { get; } = new();

    public CapturedMessage Response { get; } = new();

    /// <summary>Counters of an upgraded (101) connection; null otherwise.</summary>
    public UpgradeCounters? Upgrade { get; set; }

    /// <summary>Removed from the store (ring wrapped, entry limit, or cleared): never listed or published again.</summary>
    public bool Evicted { get; set; }

    /// <summary>Response status; 0 until the response head arrives.</summary>
    public int Status
    {
        get => Volatile.Read(ref _status);
        set => Volatile.Write(ref _status, value);
    }

    public ExchangeState State
    {
        get => (ExchangeState)Volatile.Read(ref _state);
        set => Volatile.Write(ref _state, (int)value);
    }

    /// <summary>From the first request byte to the end of the response (or of the connection, for an upgrade).</summary>
    public TimeSpan? Duration
    {
        get => Interlocked.Read(ref _durationTicks) is >= 0 and var t ? TimeSpan.FromTicks(t) : null;
        set => Interlocked.Exchange(ref _durationTicks, value?.Ticks ?? -1);
    }

    /// <summary>From the first request byte to the first response byte.</summary>
    public TimeSpan? TimeToFirstByte
    {
        get => Interlocked.Read(ref _firstByteTicks) is >= 0 and var t ? TimeSpan.FromTicks(t) : null;
        set => Interlocked.Exchange(ref _firstByteTicks, value?.Ticks ?? -1);
    }

    /// <summary>Position of the exchange's oldest byte in the ring: once the ring passes it, the exchange is gone.</summary>
    public long FirstPosition => Request.Head.FirstPosition;

    public bool Truncated => Request.Truncated || Response.Truncated;

    /// <summary>The first address of an X-Forwarded-For value, if it is an IP address (anything else is not shown).</summary>
    public static string? ParseClientAddress(string? forwardedFor)
    {
        var first = forwardedFor?.Split(',', 2)[0].Trim();
        return IPAddress.TryParse(first, out var address) ? address.ToString() : null;
    }
}
