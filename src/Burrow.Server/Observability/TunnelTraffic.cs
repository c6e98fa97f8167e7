namespace Burrow.Server.Observability;

/// <summary>
/// What one tunnel label has carried since the server started: requests by status class and body bytes each way.
/// Counted with one interlocked add per request and per body read or write, and read by metrics scrapes and the
/// dashboard without a lock.
/// </summary>
internal sealed class TunnelTraffic
{
    private readonly long[] _byClass = new long[5];
    private long _bytesIn;
    private long _bytesOut;

    public TunnelTraffic(string label)
    {
        Label = label;
    }

    /// <summary>The tunnel name, or "other" past the label limit.</summary>
    public string Label { get; }

    public long Requests
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _byClass.Length; i++)
            {
                total += Volatile.Read(ref _byClass[i]);
            }

            return total;
        }
    }

    /// <summary>Request body bytes, visitor to local server.</summary>
    public long BytesIn => Volatile.Read(ref _bytesIn);

    /// <summary>Response body bytes, local server to visitor.</summary>
    public long BytesOut => Volatile.Read(ref _bytesOut);

    /// <summary>Requests answered with a status of class <paramref name="statusClass"/> (1 for 1xx ... 5 for 5xx).</summary>
    public long RequestsOfClass(int statusClass) => Volatile.Read(ref _byClass[statusClass - 1]);

    public void OnRequest(int status)
    {
        var statusClass = Math.Clamp(status / 100, 1, 5);
        Interlocked.Increment(ref _byClass[statusClass - 1]);
    }

    public void AddIn(long bytes) => Interlocked.Add(ref _bytesIn, bytes);

    public void AddOut(long bytes) => Interlocked.Add(ref _bytesOut, bytes);
}
