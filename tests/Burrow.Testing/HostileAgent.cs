using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Burrow.Protocol;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Records;
using Burrow.Protocol.Registration;
using Burrow.Protocol.Transport;

namespace Burrow.Testing;

/// <summary>
/// A malicious agent written from docs/protocol.md, over a real socket to a real server: it registers and connects like
/// an honest agent, then does what a test scripts. <see cref="AcceptAndStarveAsync"/> is the issue #10 attack: accept
/// every stream, grant huge windows, then stop reading the socket, so the server's data for it piles up.
/// </summary>
public sealed class HostileAgent : IAsyncDisposable
{
    private const int HugeWindow = 1 << 30;

    private readonly SocketTransport _transport;
    private readonly RecordSealer _sealer;
    private readonly RecordOpener _opener;
    private readonly byte[] _scratch = new byte[RecordLayout.MaxRecordSize];
    private readonly Lock _sendLock = new();

    private HostileAgent(SocketTransport transport, ChannelKeys keys, string name)
    {
        _transport = transport;
        _sealer = keys.CreateSealer();
        _opener = keys.CreateOpener();
        Name = name;
    }

    public string Name { get; }

    /// <summary>Streams accepted so far.</summary>
    public int Accepted { get; private set; }

    public static async Task<HostileAgent> ConnectAsync(TunnelTestHost host, string user, string token, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, host.ApiUri)
        {
            Content = JsonContent.Create(new RegistrationRequest(user, name), RegistrationJsonContext.Default.RegistrationRequest),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await host.PublicClient.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var registration = (await response.Content.ReadFromJsonAsync(RegistrationJsonContext.Default.RegistrationResponse))!;
        ChannelTicket.TryParse(registration.Id, registration.Key, out var ticket);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 16 * 1024 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, registration.Port));
        var transport = new SocketTransport(socket, waitForData: false);
        var keys = await ChannelHandshake.ConnectAsync(transport, ticket!, CancellationToken.None);
        HostileAgent? agent = null;
        try
        {
            // Disposed in the finally below unless handed to the caller (the analyzer does not follow DisposeAsync there).
#pragma warning disable CA2000
            agent = new HostileAgent(transport, keys, registration.Names[0]);
#pragma warning restore CA2000

            // Like an honest agent, wait for the server's first record: it sends it only once the channel is routed
            // (docs/protocol.md, "After the handshake"), so requests from now on reach this agent.
            await agent.ReadFramesAsync((_, _) => false, CancellationToken.None);
            var connected = agent;
            agent = null;
            return connected;
        }
        finally
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Reads the channel, accepting every stream with a huge window (and growing the channel window hugely) until
    /// <paramref name="streams"/> were accepted; then never reads again. Returns once that many are accepted.
    /// </summary>
    public Task AcceptAndStarveAsync(int streams, CancellationToken cancellationToken)
        => AcceptAndStarveAsync(() => Accepted >= streams, cancellationToken);

    /// <summary>As above, until <paramref name="enough"/> holds (checked after every frame).</summary>
    public async Task AcceptAndStarveAsync(Func<bool> enough, CancellationToken cancellationToken)
    {
        Send(b => FrameWriter.WriteWindowUpdate(b, 0, HugeWindow));
        await ReadFramesAsync(
            (header, _) =>
            {
                if (header.Type == FrameType.Open)
                {
                    Accepted++;
                    Send(
                        b => FrameWriter.WriteAccept(b, header.StreamId),
                        b => FrameWriter.WriteWindowUpdate(b, header.StreamId, HugeWindow));
                }
                else if (header.Type == FrameType.Ping && (header.Flags & FrameFlags.Ack) == 0)
                {
                    // Answer pings while reading, like any agent; once it stops reading it answers nothing.
                    Send(b => FrameWriter.WritePing(b, 0, ack: true));
                }

                return !enough();
            },
            cancellationToken);
    }

    /// <summary>Sends an empty record: proof of life that costs the peer nothing, which keepalive alone used to accept.</summary>
    public void SendEmptyRecord() => Send();

    /// <summary>Sends GOAWAY with a reason of the test's choosing (control characters included).</summary>
    public void SendGoAway(string reason) => Send(b => FrameWriter.WriteGoAway(b, 0, ProtocolErrorCode.NoError, reason));

    /// <summary>True once the server closed the connection (reading from now on; anything it sends is dropped).</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var result = await _transport.Input.ReadAsync(cts.Token);
                _transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException)
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
        _transport.Abort();
        await _transport.DisposeAsync();
        _sealer.Dispose();
        _opener.Dispose();
    }

    private async Task ReadFramesAsync(Func<FrameHeader, byte[], bool> onFrame, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _transport.Input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var more = true;
            while (more && _opener.TryOpen(ref buffer, _scratch, out var length))
            {
                var reader = new FrameReader(_scratch.AsSpan(0, length));
                while (more && reader.TryRead(out var header, out var payload))
                {
                    more = onFrame(header, payload.ToArray());
                }
            }

            _transport.Input.AdvanceTo(buffer.Start, buffer.End);
            if (!more)
            {
                return;
            }

            if (result.IsCompleted)
            {
                throw new IOException("The server closed the channel.");
            }
        }
    }

    private void Send(params Func<byte[], int>[] frames)
    {
        lock (_sendLock)
        {
            var plaintext = new byte[RecordLayout.MaxPlaintextSize];
            var used = 0;
            foreach (var frame in frames)
            {
                var scratch = new byte[RecordLayout.MaxPlaintextSize];
                var n = frame(scratch);
                scratch.AsSpan(0, n).CopyTo(plaintext.AsSpan(used));
                used += n;
            }

            var record = new byte[used + RecordLayout.Overhead];
            _sealer.Seal(plaintext.AsSpan(0, used), record);
            _transport.Output.Write(record);

            // The server always reads, so this flush completes at once; sends are rare and come from one loop.
            _transport.Output.FlushAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
