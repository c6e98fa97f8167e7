namespace Burrow.Protocol;

/// <summary>
/// The one exception the protocol's decoders throw for bad input. A connection-level error (stream id 0)
/// closes the channel with GOAWAY; a stream-level error resets only that stream.
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(ProtocolErrorCode code, string message, uint streamId = 0, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        StreamId = streamId;
    }

    /// <summary>The code sent to the peer in GOAWAY (connection errors) or RESET (stream errors).</summary>
    public ProtocolErrorCode Code { get; }

    /// <summary>0 for a connection error; otherwise the stream the error concerns.</summary>
    public uint StreamId { get; }

    public bool IsConnectionError => StreamId == 0;
}
