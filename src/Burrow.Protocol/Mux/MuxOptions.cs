using Burrow.Protocol.Mux.FlowControl;

namespace Burrow.Protocol.Mux;

/// <summary>Limits and tuning for one multiplexed channel. Every default is documented here and in docs/protocol.md.</summary>
public sealed class MuxOptions
{
    /// <summary>The window every stream starts with, fixed by the protocol (64 KiB, as in HTTP/2).</summary>
    public const int InitialWindowSize = FlowControlLimits.InitialWindowSize;

    /// <summary>Most streams open at once on one channel (default 1,000). Beyond it new streams are refused.</summary>
    public int MaxConcurrentStreams { get; set; } = 1000;

    /// <summary>Largest DATA payload this side sends (default 16 KiB); smaller frames interleave streams more finely.</summary>
    public int MaxFramePayloadSize { get; set; } = 16 * 1024;

    /// <summary>Receive window for the whole channel (default 16 MiB): the most this side buffers for all streams together.</summary>
    public int ConnectionWindowSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest receive window one stream may grow to (default 4 MiB). Streams start at 64 KiB.</summary>
    public int MaxStreamWindowSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The receive window each stream is given as soon as it exists (default 256 KiB): the protocol starts every stream
    /// at 64 KiB, and this side raises it at once with a WINDOW_UPDATE sent right behind OPEN or ACCEPT, so the first
    /// 256 KiB of a response flow without waiting for the reader to announce credit (issue #16; the gain was not
    /// measurable above the noise of the loaded machine it was made on, see README "What was tried"). What all streams
    /// together may send is still bounded by <see cref="ConnectionWindowSize"/>, so a larger value costs no extra
    /// worst-case memory.
    /// </summary>
    public int InitialStreamWindowSize { get; set; } = 256 * 1024;

    /// <summary>
    /// Bytes an application may write to a stream before its write waits for the channel (default 64 KiB, the initial
    /// stream window): a stream whose peer grants no window holds at most that much.
    /// </summary>
    public int StreamSendBufferSize { get; set; } = 64 * 1024;

    /// <summary>
    /// Bytes one channel may hold for all its streams together, sent and received (default 16 MiB). Past it, writes to
    /// the channel's streams wait, which reaches the public clients as TCP backpressure.
    /// </summary>
    public long ChannelBufferBudget { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Longest time a flush to the peer may stay pending (default 30 s): a peer that takes none of the (at most
    /// ~320 KiB of) bytes we have for it within this time loses its channel, and the memory its streams held is freed.
    /// </summary>
    public TimeSpan WriteStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>PING the peer after this long without hearing from it (default 15 s).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Declare the channel dead after this many silent keepalive intervals (default 3).</summary>
    public int KeepAliveMissedIntervals { get; set; } = 3;

    /// <summary>How long the server waits for the agent to ACCEPT or RESET a new stream (default 10 s).</summary>
    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Control frames queued and not yet written beyond which the peer is flooding us (default 10,000).</summary>
    public int MaxPendingControlFrames { get; set; } = 10_000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public MuxOptions Validate()
    {
        Check(MaxConcurrentStreams is >= 1 and <= 1_000_000, nameof(MaxConcurrentStreams), "must be 1..1,000,000");
        Check(MaxFramePayloadSize is >= 1024 and <= FrameHeader.MaxPayloadSize, nameof(MaxFramePayloadSize), $"must be 1024..{FrameHeader.MaxPayloadSize}");
        Check(ConnectionWindowSize is >= FlowControlLimits.InitialWindowSize and <= FlowControlLimits.MaxWindowSize, nameof(ConnectionWindowSize), "must be 64 KiB..2 GiB");
        Check(MaxStreamWindowSize is >= FlowControlLimits.InitialWindowSize and <= FlowControlLimits.MaxWindowSize, nameof(MaxStreamWindowSize), "must be 64 KiB..2 GiB");
        Check(InitialStreamWindowSize >= FlowControlLimits.InitialWindowSize && InitialStreamWindowSize <= MaxStreamWindowSize, nameof(InitialStreamWindowSize), "must be 64 KiB..MaxStreamWindowSize");
        Check(StreamSendBufferSize >= 1024, nameof(StreamSendBufferSize), "must be at least 1 KiB");
        Check(KeepAliveInterval == Timeout.InfiniteTimeSpan || KeepAliveInterval > TimeSpan.Zero, nameof(KeepAliveInterval), "must be positive or infinite");
        Check(KeepAliveMissedIntervals >= 1, nameof(KeepAliveMissedIntervals), "must be at least 1");
        Check(OpenTimeout > TimeSpan.Zero, nameof(OpenTimeout), "must be positive");
        Check(MaxPendingControlFrames >= 16, nameof(MaxPendingControlFrames), "must be at least 16");
        Check(ChannelBufferBudget >= StreamSendBufferSize, nameof(ChannelBufferBudget), "must be at least StreamSendBufferSize");
        Check(WriteStallTimeout > TimeSpan.Zero, nameof(WriteStallTimeout), "must be positive");
        return this;
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"Mux option {name} {rule}.");
        }
    }
}
