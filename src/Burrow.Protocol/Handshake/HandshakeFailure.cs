namespace Burrow.Protocol.Handshake;

/// <summary>
/// Why a first message was rejected. Logged on the server only: the peer just sees the connection close, so
/// that a prober learns nothing about which check failed.
/// </summary>
public enum HandshakeFailure
{
    None = 0,
    Timeout,
    Truncated,
    Garbage,
    UnsupportedVersion,
    Oversized,
    WrongSize,
    UnknownId,
    BadProof,
    ReusedId,
    Expired,
    Rejected,

    /// <summary>Agent side: the server answered BUSY (too many handshakes, or this address is rate limited).</summary>
    Busy,
}
