namespace Burrow.Protocol;

/// <summary>
/// The one exception the protocol's decoders throw for bad input. It is always a connection error: the channel
/// closes with GOAWAY carrying <see cref="Code"/>. (Problems confined to one stream are answered with RESET directly,
/// without an exception.)
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(ProtocolErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The code sent to the peer in GOAWAY.</summary>
    public ProtocolErrorCode Code { get; }
}
