namespace Burrow.Protocol.Mux;

/// <summary>
/// Stream states, a subset of HTTP/2's (https://www.rfc-editor.org/rfc/rfc9113#section-5.1): streams are opened
/// by the server only, and a stream is removed from its channel once it reaches <see cref="Closed"/>.
/// </summary>
public enum MuxStreamState
{
    /// <summary>OPEN sent or received; not yet accepted by the agent.</summary>
    Opening,

    /// <summary>Both directions carry data.</summary>
    Open,

    /// <summary>This side sent END_STREAM; the peer may still send.</summary>
    HalfClosedLocal,

    /// <summary>The peer sent END_STREAM; this side may still send.</summary>
    HalfClosedRemote,

    /// <summary>Both sides ended, or either side reset the stream, or the channel closed.</summary>
    Closed,
}
