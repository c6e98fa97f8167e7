namespace Burrow.Protocol.Mux;

/// <summary>
/// Thrown to readers and writers of a <see cref="MuxStream"/> that was reset by either side or lost with
/// its channel. It is an <see cref="IOException"/> so that HttpClient, YARP and stream copy loops treat it as a
/// broken connection.
/// </summary>
public sealed class MuxStreamException : IOException
{
    public MuxStreamException(ProtocolErrorCode code, string message, Exception? innerException = null, string? reason = null)
        : base(message, innerException)
    {
        Code = code;
        Reason = reason;
    }

    public ProtocolErrorCode Code { get; }

    /// <summary>The reason text the peer put in its RESET, if any (for example the local target that refused).</summary>
    public string? Reason { get; }
}
