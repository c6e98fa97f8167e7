namespace Burrow.Protocol.Mux.FlowControl;

/// <summary>Flow-control constants fixed by the protocol (both sides must agree without negotiation).</summary>
internal static class FlowControlLimits
{
    /// <summary>
    /// Every stream, and the channel as a whole, starts with this much send credit (as in HTTP/2). A receiver that
    /// wants a larger channel window says so with a WINDOW_UPDATE on stream 0 right after the handshake.
    /// </summary>
    public const int InitialWindowSize = 64 * 1024;

    /// <summary>A window may never exceed 2^31-1 bytes; an update that would overflow it is a FLOW_CONTROL error.</summary>
    public const int MaxWindowSize = int.MaxValue;
}
