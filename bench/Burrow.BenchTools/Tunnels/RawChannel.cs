using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Registration;

namespace Burrow.BenchTools.Tunnels;

/// <summary>
/// A channel connection after the handshake (docs/protocol.md section 2), made with the protocol's public
/// <see cref="ChannelHandshake"/> over a plain socket. The pipes read only when asked, so a caller that stops asking
/// really stops reading the socket.
/// </summary>
internal sealed class RawChannel : IAsyncDisposable
{
    private RawChannel(Socket socket, NetworkStream stream, IDuplexPipe transport, ChannelKeys keys)
    {
        Socket = socket;
        Stream = stream;
        Transport = transport;
        Keys = keys;
    }

    public Socket Socket { get; }

    public NetworkStream Stream { get; }

    /// <summary>Pipes over <see cref="Stream"/>; they leave it open, <see cref="DisposeAsync"/> closes it.</summary>
    public IDuplexPipe Transport { get; }

    public ChannelKeys Keys { get; }

    /// <param name="receiveBufferSize">SO_RCVBUF for the socket, or null for the kernel's default.</param>
    public static async Task<RawChannel> OpenAsync(RegistrationResponse registration, int? receiveBufferSize, CancellationToken cancellationToken)
    {
        if (!ChannelTicket.TryParse(registration.Id, registration.Key, out var ticket) || ticket is null)
        {
            throw new InvalidOperationException("the registration answer carries a malformed id or key");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (receiveBufferSize is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, registration.Port), cancellationToken);
            var stream = new NetworkStream(socket, ownsSocket: true);
            var transport = new Pipes(
                PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true)),
                PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
            var keys = await ChannelHandshake.ConnectAsync(transport, ticket, cancellationToken);
            return new RawChannel(socket, stream, transport, keys);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.Input.CompleteAsync();
        await Transport.Output.CompleteAsync();
        await Stream.DisposeAsync();
    }

    private sealed class Pipes(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
