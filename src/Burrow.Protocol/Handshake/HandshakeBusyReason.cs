namespace Burrow.Protocol.Handshake;

/// <summary>Why a server answered BUSY instead of reading HELLO (docs/protocol.md, "Handshake"). Not a secret: it says nothing of the ticket.</summary>
public enum HandshakeBusyReason : byte
{
    /// <summary>Too many handshakes are in progress, server-wide or from the agent's network.</summary>
    TooManyHandshakes = 1,

    /// <summary>The agent's network opened too many channels in the last minute.</summary>
    RateLimited = 2,
}
