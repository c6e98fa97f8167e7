namespace Burrow.Protocol;

/// <summary>
/// Thrown to readers and writers of a <see cref="Mux.MuxStream"/> that was reset by either side or lost with
/// its channel. It is an <see cref="IOException"/> so that HttpClient, YARP and stream copy loops treat it as a
/// broken connection.
/// </summary>
public sealed class MuxStreamException : IOException
{
    public MuxStreamException(ProtocolErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    public ProtocolErrorCode Code { get; }
}
