using System.IO.Pipelines;
using System.Net.Sockets;

namespace Burrow.Protocol.Transport;

/// <summary>
/// A connected TCP socket seen as a pair of pipes, the shape <see cref="Mux.MuxConnection"/> runs on; both ends of a
/// channel use it. Reads take up to 64 KiB per system call, so a bulk transfer's 64 KiB records cost one receive
/// each (Kestrel's transport reads into 4 KiB blocks: sixteen receives per record, measured in bench/). Writes go to
/// the socket when the writer loop flushes, with no extra queue or thread hop in between.
/// </summary>
internal sealed class SocketTransport : IDuplexPipe, IAsyncDisposable
{
    private const int ReadBufferSize = 64 * 1024;
    private const int MinimumReadSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    /// <param name="socket">A connected socket; the transport owns it from now on.</param>
    /// <param name="waitForData">
    /// Wait for data with a zero-byte read before taking a read buffer, so an idle connection holds no buffer. The
    /// server, which keeps one channel per agent, wants this; the agent, with one channel, does not need it.
    /// </param>
    public SocketTransport(Socket socket, bool waitForData)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: MinimumReadSize, leaveOpen: true, useZeroByteReads: waitForData));
        // Completing the output (the mux writer loop ends) closes the socket: the channel is over.
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: ReadBufferSize, leaveOpen: false));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>The peer's address, IPv4-mapped addresses of a dual-mode socket shown as plain IPv4.</summary>
    public System.Net.IPEndPoint? RemoteEndPoint => _socket.RemoteEndPoint is System.Net.IPEndPoint { Address.IsIPv4MappedToIPv6: true } mapped
        ? new System.Net.IPEndPoint(mapped.Address.MapToIPv4(), mapped.Port)
        : _socket.RemoteEndPoint as System.Net.IPEndPoint;

    /// <summary>Closes the connection at once (RST), failing any read or write in progress.</summary>
    public void Abort() => _socket.Close(0);

    /// <summary>Closes the connection; never throws, since a connection that ends badly is nothing new here.</summary>
    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync();
        try
        {
            // With an exception the writer drops what it still holds instead of flushing it (a flush that could
            // wait forever on a peer that stopped reading); the mux writer loop has flushed everything that mattered.
            await Output.CompleteAsync(new ObjectDisposedException(nameof(SocketTransport)));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        await _stream.DisposeAsync();
    }
}
