using System.Net;
using System.Net.Sockets;

namespace Burrow.BenchTools.Probes;

/// <summary>
/// An HTTP handler whose every connection goes to 127.0.0.1:PORT whatever the URL's host, so a request can carry
/// Host: NAME.localhost (the tunnel's name) without DNS.
/// </summary>
internal static class LoopbackHandler
{
    public static SocketsHttpHandler Create(int port, TimeSpan connectTimeout) => new()
    {
        UseProxy = false,
        ConnectTimeout = connectTimeout,
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
