namespace Burrow.Protocol.Handshake;

/// <summary>The channel handshake failed; <see cref="Failure"/> says which check (never sent to the peer).</summary>
public sealed class HandshakeException : Exception
{
    public HandshakeException(HandshakeFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public HandshakeFailure Failure { get; }
}
