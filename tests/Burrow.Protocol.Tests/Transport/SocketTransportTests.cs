using System.Net;
using System.Net.Sockets;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Tests.Infrastructure;
using Burrow.Protocol.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Burrow.Protocol.Tests.Transport;

/// <summary>The channel over a real loopback socket, with a peer that misbehaves at the TCP level.</summary>
public sealed class SocketTransportTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Abort_completes_the_channel_while_the_peer_has_stopped_reading()
    {
        // The real server sends into a socket whose peer never reads, so its writer loop sits in a flush. Closing
        // the channel must still end it: a writer that flushed its leftovers on the way out used to wait forever,
        // and with it the server's shutdown.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var peerSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 16 * 1024 };
        await peerSocket.ConnectAsync(listener.LocalEndPoint!);
        var accepted = await listener.AcceptAsync();
        accepted.SendBufferSize = 16 * 1024;

        var (agentKeys, serverKeys) = MuxPair.Keys();
        await using var serverTransport = new SocketTransport(accepted, waitForData: true);
        await using var peerTransport = new SocketTransport(peerSocket, waitForData: false);
        await using var server = new ServerMuxConnection(serverTransport, serverKeys, new MuxOptions(), NullLogger.Instance);
        server.Start();
        var peer = new RawPeer(peerTransport, agentKeys);

        // The peer accepts one stream and grants it (and the channel) far more credit than the socket buffers hold,
        // then reads nothing more.
        var opening = server.OpenStreamAsync("demo.localhost", CancellationToken.None).AsTask();
        var open = await peer.ReadFrameAsync(FrameType.Open).WaitAsync(Limit);
        const int credit = 64 * 1024 * 1024;
        await peer.SendFramesAsync(
            b => FrameWriter.WriteAccept(b, open.Header.StreamId),
            b => FrameWriter.WriteWindowUpdate(b, open.Header.StreamId, credit),
            b => FrameWriter.WriteWindowUpdate(b, 0, credit));
        var stream = await opening.WaitAsync(Limit);

        // Each 256 KiB write overfills the stream's send buffer (64 KiB) and waits until the writer loop has taken all
        // but half a buffer of it into records. So once the first write is done and the next one waits, the loop has
        // sealed over 128 KiB, which it flushes before anything else, even when closing; with both socket buffers far
        // smaller than that, the flush cannot finish while the peer reads nothing.
        Assert.True(accepted.SendBufferSize + peerSocket.ReceiveBufferSize < 128 * 1024, $"socket buffers {accepted.SendBufferSize} + {peerSocket.ReceiveBufferSize}");
        var chunk = new byte[256 * 1024];
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = Task.Run(async () =>
        {
            for (var sent = 0; sent < credit; sent += chunk.Length)
            {
                var write = stream.WriteAsync(chunk);
                if (sent > 0 && !write.IsCompleted)
                {
                    held.TrySetResult();
                }

                await write;
            }
        });

        await Task.WhenAny(held.Task, writing).WaitAsync(Limit);
        Assert.False(writing.IsCompleted, "the writes should be held up by a peer that does not read");

        server.Abort(ProtocolErrorCode.NoError, "test closes the channel");
        var reason = await server.Completion.WaitAsync(Limit);
        Assert.Equal(ProtocolErrorCode.NoError, reason.Code);
        await Assert.ThrowsAnyAsync<Exception>(() => writing.WaitAsync(Limit));
    }
}
