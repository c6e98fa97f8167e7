using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Registration;
using Burrow.Testing;

namespace Burrow.Server.Tests.Channels;

/// <summary>A scripted, possibly hostile peer on the channel port: raw bytes over a real TCP connection.</summary>
internal sealed class RawChannelClient : IAsyncDisposable
{
    private RawChannelClient(TcpClient client)
    {
        Client = client;
        Stream = client.GetStream();
    }

    public TcpClient Client { get; }

    public NetworkStream Stream { get; }

    public static async Task<RawChannelClient> ConnectAsync(TunnelTestHost host)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, host.Server.ChannelPort);
        return new RawChannelClient(client);
    }

    public static async Task<RegistrationResponse> RegisterAsync(TunnelTestHost host, string user, string token, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, host.ApiUri)
        {
            Content = JsonContent.Create(new RegistrationRequest(user, name), RegistrationJsonContext.Default.RegistrationRequest),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await host.PublicClient.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(RegistrationJsonContext.Default.RegistrationResponse))!;
    }

    public static byte[] Hello(ChannelTicket ticket, byte[]? keyOverride = null)
    {
        var hello = new byte[HandshakeMessages.HelloSize];
        HandshakeMessages.WriteHello(hello, ticket.Id, keyOverride ?? ticket.Key, new byte[HandshakeMessages.NonceSize]);
        return hello;
    }

    public Task SendAsync(byte[] bytes) => Stream.WriteAsync(bytes).AsTask();

    /// <summary>True when the server closes the connection (EOF or reset) within the timeout, after any bytes it sent.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await Stream.ReadAsync(buffer, cts.Token);
                if (read == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        Client.Dispose();
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
