using System.IO.Pipelines;
using System.Net.Sockets;

namespace Burrow.Protocol.Transport;

/// <summary>
/// A connected TCP socket seen as a pair of pipes, the shape <see cref="Mux.MuxConnection"/> runs on; both ends of a
/// channel use it. Reads take up to 64 KiB per system call, so a bulk transfer's 64 KiB records cost one receive
/// each (Kestrel's transport reads into 4 KiB blocks: sixteen receives per record, measured in bench/). Writes go to
/// the socket when the writer loop flushes, with no extra queue or thread hop in between.
/// </summary>
public sealed class SocketTransport : IDuplexPipe, IAsyncDisposable
{
    private const int ReadBufferSize = 64 * 1024;
    private const int MinimumReadSize = 16 * 1024;

    private readonly Socket _socket;

    /// <param name="socket">A connected socket; the transport owns it from now on.</param>
    /// <param name="waitForData">
    /// Wait for data with a zero-byte read before taking a read buffer, so an idle connection holds no buffer. The
    /// server, which keeps one channel per agent, wants this; the agent, with one channel, does not need it.
    /// </param>
    public SocketTransport(Socket socket, bool waitForData)
    {
        _socket = socket;
        _socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: true);
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: MinimumReadSize, leaveOpen: true, useZeroByteReads: waitForData));
        // Completing the output (the mux writer loop ends) closes the socket: the channel is over.
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: ReadBufferSize, leaveOpen: false));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>The peer's address, IPv4-mapped addresses of a dual-mode socket shown as plain IPv4.</summary>
    public System.Net.IPEndPoint? RemoteEndPoint => _socket.RemoteEndPoint is System.Net.IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped
        ? new System.Net.IPEndPoint(mapped.Address.MapToIPv4(), mapped.Port)
        : _socket.RemoteEndPoint as System.Net.IPEndPoint;

    /// <summary>Closes the connection at once (RST), failing any read or write in progress.</summary>
    public void Abort() => _socket.Close(0);

    /// <summary>Closes the connection without flushing anything left (the mux writer loop flushed what mattered).</summary>
    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync();

        // Completing with an exception makes the writer drop what it still holds instead of flushing it (a flush that
        // has no cancellation and would wait forever on a peer that stopped reading); not leaving the stream open, it
        // then closes the socket. A no-op if the writer loop completed it already.
        await Output.CompleteAsync(new ObjectDisposedException(nameof(SocketTransport)));
    }
}
