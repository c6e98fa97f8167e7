namespace Burrow.Protocol;

/// <summary>
/// Error codes carried by RESET and GOAWAY frames (a 32-bit unsigned integer on the wire).
/// Modelled on HTTP/2's error codes (https://www.rfc-editor.org/rfc/rfc9113#section-7), plus
/// tunnel-specific codes from 0x100 up.
/// </summary>
public enum ProtocolErrorCode : uint
{
    /// <summary>Graceful close; no error.</summary>
    NoError = 0x0,

    /// <summary>The peer broke the protocol (unknown frame type, frame for a stream that never existed, ...).</summary>
    ProtocolError = 0x1,

    /// <summary>An unexpected local failure.</summary>
    InternalError = 0x2,

    /// <summary>The peer sent more than its window allowed, or overflowed a window.</summary>
    FlowControlError = 0x3,

    /// <summary>The peer went silent for longer than the keepalive allows.</summary>
    KeepaliveTimeout = 0x4,

    /// <summary>A frame arrived for a stream that was already closed.</summary>
    StreamClosed = 0x5,

    /// <summary>A frame or record was larger than allowed or had an impossible length.</summary>
    FrameSizeError = 0x6,

    /// <summary>The stream was refused before any application data was processed (safe to retry).</summary>
    RefusedStream = 0x7,

    /// <summary>The stream is no longer needed (the public client or local server went away).</summary>
    Cancel = 0x8,

    /// <summary>A record failed authentication: altered, replayed, reordered or forged.</summary>
    BadRecord = 0x9,

    /// <summary>The peer exceeded a resource limit (too many streams, control-frame flood).</summary>
    LimitExceeded = 0xb,

    /// <summary>The peer took none of the data we had for it within the write-stall timeout (it stopped reading).</summary>
    WriteStalled = 0xc,

    /// <summary>The agent could not connect to its local server.</summary>
    LocalUnreachable = 0x100,

    /// <summary>The agent does not serve the host name the stream was opened for.</summary>
    UnknownTunnel = 0x101,

    /// <summary>The server revoked the credentials this channel was registered with.</summary>
    Revoked = 0x102,

    /// <summary>
    /// The channel's names could not be claimed when it arrived: another user claimed one first, or the user is at
    /// their name quota. Retrying the same registration cannot help.
    /// </summary>
    NameUnavailable = 0x103,

    /// <summary>
    /// Another agent of the same user registered the same name without joining a pool, and took it over. The agent
    /// replaced should not reconnect (it would take the name back, and the two would take turns).
    /// </summary>
    Replaced = 0x104,

    /// <summary>Local only, never sent: the transport closed or failed without a GOAWAY.</summary>
    ConnectionLost = 0x200,
}
