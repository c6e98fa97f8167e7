using System.Net.Sockets;

namespace Burrow.Protocol.Transport;

/// <summary>
/// The exceptions a channel's transport throws when the connection under it is gone or was closed by us: expected,
/// never a bug, and all handled the same way (the channel ends). One list, so the mux loops, the handshake and the
/// transport itself agree on it.
/// </summary>
internal static class TransportFailure
{
    public static bool Is(Exception exception) =>
        exception is IOException or SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException;
}
