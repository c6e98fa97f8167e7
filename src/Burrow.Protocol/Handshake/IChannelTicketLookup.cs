namespace Burrow.Protocol.Handshake;

/// <summary>The server's view of issued tickets, used while a channel's first message is checked.</summary>
public interface IChannelTicketLookup
{
    /// <summary>
    /// Finds the key issued with <paramref name="id"/>. Returns <see cref="HandshakeFailure.None"/> and the key, or
    /// the reason the id cannot be used (unknown, expired, already used).
    /// </summary>
    HandshakeFailure TryGetKey(ReadOnlySpan<byte> id, out byte[]? key);

    /// <summary>Marks the id used, atomically; false when another connection used it first.</summary>
    bool TryConsume(ReadOnlySpan<byte> id);
}
