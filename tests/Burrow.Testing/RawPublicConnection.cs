using System.Net;
using System.Net.Sockets;

namespace Burrow.Testing;

/// <summary>Plain TCP connections to a test server's public HTTP port, for tests of what happens below HTTP.</summary>
public static class RawPublicConnection
{
    public static async Task<TcpClient> ConnectAsync(TunnelScenario scenario)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, scenario.Host.Server.HttpPort);
        return client;
    }

    /// <summary>Bytes of the first answer, or 0 when the server closed or reset the connection (10 s at most).</summary>
    public static async Task<int> ReadAsync(TcpClient client)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await client.GetStream().ReadAsync(new byte[1024], timeout.Token);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Sends a request for <paramref name="host"/> and reads: false when the server closed or reset the connection
    /// without an answer, at whichever step the client noticed.
    /// </summary>
    public static async Task<bool> AnswersAsync(TcpClient client, string host)
    {
        try
        {
            await client.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
            return await ReadAsync(client) > 0;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }
}
