using System.Net;
using System.Net.Sockets;

namespace Burrow.Testing;

/// <summary>Loopback ports for tests that must name a port before a process binds it (restarts on the same port).</summary>
public static class TestPorts
{
    /// <summary>A port that was free a moment ago (bound to 0, then released).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
