using System.Net;
using System.Net.Sockets;

namespace Burrow.Server.Tests.Acme.Infrastructure;

/// <summary>
/// Ports for outside programs that must be told a port: bound to 0 and released right before the program starts.
/// Another process may take one in between, so callers retry with fresh ports when the program reports the conflict.
/// </summary>
internal static class LoopbackPorts
{
    public const int Attempts = 3;

    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>();
        var udp = new List<UdpClient>();
        try
        {
            var ports = new int[count];
            for (var i = 0; i < count; i++)
            {
                // Free for TCP and UDP both (DNS servers take both).
                while (true)
                {
                    var listener = new TcpListener(IPAddress.Loopback, 0);
                    listener.Start();
                    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                    try
                    {
                        udp.Add(new UdpClient(new IPEndPoint(IPAddress.Loopback, port)));
                        listeners.Add(listener);
                        ports[i] = port;
                        break;
                    }
                    catch (SocketException)
                    {
                        listener.Stop();
                    }
                }
            }

            return ports;
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
            udp.ForEach(u => u.Dispose());
        }
    }

    public static bool IsConflict(string output) => output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
}
