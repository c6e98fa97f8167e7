namespace Burrow.Protocol.Mux.FlowControl;

/// <summary>
/// What the peer may still send us, and when to tell it it may send more. Updates are batched: nothing is announced
/// until the application has consumed half the window, so a stream costs one WINDOW_UPDATE per half window rather
/// than one per read.
///
/// The window grows with the bandwidth-delay product (the same idea as HTTP/2 "BDP probing" in gRPC and .NET's
/// Http2Connection): when the consumer got through half a window in less than two round trips, the window, not the
/// consumer, was the bottleneck, so it doubles, up to the configured maximum. A stream that is read slowly keeps the
/// small initial window, so a thousand idle or slow streams cost little.
/// </summary>
internal sealed class ReceiveWindow
{
    private readonly object _lock = new();
    private readonly int _maxSize;
    private long _available;
    private int _size;
    private int _unannounced;
    private long _lastAnnounceTimestamp;

    public ReceiveWindow(int initialSize, int maxSize, long nowTimestamp)
    {
        _size = initialSize;
        _available = initialSize;
        _maxSize = Math.Max(initialSize, maxSize);
        _lastAnnounceTimestamp = nowTimestamp;
    }

    /// <summary>Called by the reader loop for each DATA frame; false when the peer sent more than it was allowed.</summary>
    public bool TryReceive(int length) => Interlocked.Add(ref _available, -length) >= 0;

    /// <summary>
    /// Called when the application consumed <paramref name="length"/> bytes. Returns the increment to announce
    /// in a WINDOW_UPDATE, or 0 to keep batching.
    /// </summary>
    public int OnConsumed(int length, TimeProvider time, TimeSpan roundTrip)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            _unannounced += length;
            if (_unannounced < _size / 2)
            {
                return 0;
            }

            var growth = 0;
            if (_size < _maxSize && time.GetElapsedTime(_lastAnnounceTimestamp, now) < 2 * roundTrip)
            {
                var newSize = (int)Math.Min((long)_size * 2, _maxSize);
                growth = newSize - _size;
                _size = newSize;
            }

            var increment = _unannounced + growth;
            _unannounced = 0;
            _lastAnnounceTimestamp = now;
            Interlocked.Add(ref _available, increment);
            return increment;
        }
    }

    /// <summary>Widens the window right away (used once per channel to raise the initial 64 KiB).</summary>
    public int Expand(int newSize)
    {
        lock (_lock)
        {
            var growth = Math.Max(0, newSize - _size);
            _size += growth;
            Interlocked.Add(ref _available, growth);
            return growth;
        }
    }
}
