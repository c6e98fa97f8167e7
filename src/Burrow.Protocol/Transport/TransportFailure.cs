using System.Net.Sockets;

namespace Burrow.Protocol.Transport;

/// <summary>
/// The exceptions a channel's transport throws when the connection under it is gone or was closed by us: expected,
/// never a bug, and all handled the same way (the channel ends). One list, so the mux loops, the handshake, the
/// transport itself and both ends' hosts agree on it. <see cref="InvalidOperationException"/> is deliberately not
/// in it: a pipe used after completion is a bug of ours, and must surface as one.
/// </summary>
public static class TransportFailure
{
    public static bool Is(Exception exception) =>
        exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException;
}
