using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Burrow.Protocol.Mux.FlowControl;

namespace Burrow.Protocol.Mux;

/// <summary>
/// One proxied connection inside a channel, exposed as a <see cref="Stream"/> so that YARP's HttpClient (through
/// <c>SocketsHttpHandler.ConnectCallback</c>) and the agent's copy loops use it like a socket.
///
/// Each direction is a <see cref="Pipe"/>. Writes land in the outbound pipe, which the connection's writer loop drains
/// as its send window allows; once the pipe holds <see cref="MuxOptions.StreamSendBufferSize"/> the write waits, which
/// is how backpressure reaches the application. DATA frames land in the inbound pipe; what the application reads is
/// given back to the peer as window credit.
/// </summary>
public sealed partial class MuxStream : Stream
{
    private readonly MuxConnection _connection;
    private readonly Pipe _inbound;
    private readonly Pipe _outbound;
    private readonly ReceiveWindow _receiveWindow;
    private readonly TaskCompletionSource? _accepted;
    private readonly Lock _receiveLock = new();
    private readonly int _initialWindowSize;
    private volatile MuxStreamException? _resetException;
    private volatile bool _remoteEnded;
    private volatile bool _localEnded;
    private volatile bool _acceptedFlag;
    private int _scheduled;
    private int _disposed;
    private bool _abandoned;

    /// <summary>Reader loop only: bytes committed to the inbound pipe and not flushed yet (see <see cref="OnData"/>).</summary>
    private bool _inboundUnflushed;
    private long _buffered;

    /// <summary>Bytes written by the application and not sent yet, charged to the channel's budget; -1 once released for good.</summary>
    private long _outboundHeld;

    internal MuxStream(MuxConnection connection, uint id, string host, MuxOptions options, bool awaitAccept)
    {
        _connection = connection;
        Id = id;
        Host = host;
        _inbound = new Pipe(connection.InboundPipeOptions);
        _outbound = new Pipe(connection.OutboundPipeOptions);
        _receiveWindow = new ReceiveWindow(FlowControlLimits.InitialWindowSize, options.MaxStreamWindowSize, connection.TimeProvider.GetTimestamp());
        _initialWindowSize = options.InitialStreamWindowSize;
        SendWindow = new SendWindow(FlowControlLimits.InitialWindowSize);
        _accepted = awaitAccept ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        _acceptedFlag = !awaitAccept;
    }

    /// <summary>The stream id on the channel (allocated by the server, increasing from 1).</summary>
    public uint Id { get; }

    /// <summary>The public host name the server opened this stream for.</summary>
    public string Host { get; }

    public MuxStreamState State =>
        _resetException is not null || (_localEnded && _remoteEnded) ? MuxStreamState.Closed
        : !_acceptedFlag ? MuxStreamState.Opening
        : _localEnded ? MuxStreamState.HalfClosedLocal
        : _remoteEnded ? MuxStreamState.HalfClosedRemote
        : MuxStreamState.Open;

    internal SendWindow SendWindow { get; }

    internal bool IsDone => _resetException is not null || (_localEnded && _remoteEnded);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Agent side: tells the server the local connection is up, so the server may start sending.</summary>
    public void Accept()
    {
        _acceptedFlag = true;
        _connection.EnqueueControl(new ControlFrame(FrameType.Accept, Id, 0), fromPeer: false);
        if (TakeInitialWindowGrowth() is var growth and > 0)
        {
            _connection.EnqueueControl(new ControlFrame(FrameType.WindowUpdate, Id, growth), fromPeer: false);
        }
    }

    /// <summary>
    /// Raises the stream's receive window from the protocol's 64 KiB to <see cref="MuxOptions.InitialStreamWindowSize"/>;
    /// returns the increment to announce (right behind OPEN or ACCEPT, never before: the peer must know the stream).
    /// </summary>
    internal int TakeInitialWindowGrowth() => _receiveWindow.Expand(_initialWindowSize);

    /// <summary>Half-closes: sends END_STREAM after whatever was written. Reading goes on.</summary>
    public void CompleteWrites()
    {
        _outbound.Writer.Complete();
        _connection.Schedule(this);
    }

    /// <summary>Aborts the stream in both directions and tells the peer why.</summary>
    public void Reset(ProtocolErrorCode code, string? reason = null)
    {
        if (!TrySetReset(new MuxStreamException(code, $"The stream was reset locally: {code} {reason}")))
        {
            return;
        }

        _connection.EnqueueControl(new ControlFrame(FrameType.Reset, Id, 0, code, reason), fromPeer: false);

        // Nothing more of this stream goes out: what it held is given back now, not when the writer next gets to it
        // (a writer waiting on a peer that stopped reading may never get to it).
        ReleaseAllOutbound();
        _inbound.Reader.CancelPendingRead();
        _connection.Schedule(this);
        _connection.RemoveStream(this);
    }

    // Pooled state machines: a read that has to wait would otherwise allocate one per call.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var reader = _inbound.Reader;
        var result = await reader.ReadAsync(cancellationToken);
        if (result.IsCanceled && _resetException is { } reset)
        {
            // Only a local Reset cancels reads, and this read used the cancellation up: arm it again, or the next
            // read would wait forever on an inbound pipe that nothing completes once the stream is removed.
            reader.AdvanceTo(result.Buffer.Start);
            reader.CancelPendingRead();
            throw reset;
        }

        var data = result.Buffer;
        if (data.IsEmpty)
        {
            reader.AdvanceTo(data.Start, data.End);
            return 0;
        }

        // A zero-byte read only waits for data (SocketsHttpHandler uses it to park idle connections).
        var count = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, count).CopyTo(buffer.Span);
        reader.AdvanceTo(data.GetPosition(count));
        if (count > 0)
        {
            OnConsumed(count);
        }

        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_resetException is { } reset)
        {
            return ValueTask.FromException(reset);
        }

        if (buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        // Over the channel's budget, the write waits for room before it adds anything (issue #10).
        return _connection.Buffers.TryCharge(buffer.Length) ? WriteNow(buffer, cancellationToken) : WriteWhenRoomAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // What was written still goes out, followed by END_STREAM; but if the peer has not finished, closing
        // early means we no longer want its data: reset so it stops sending (HTTP/2's CANCEL).
        _outbound.Writer.Complete();
        if (!_remoteEnded && _resetException is null)
        {
            Reset(ProtocolErrorCode.Cancel, "closed before the peer finished");
        }
        else
        {
            _connection.Schedule(this);
        }

        long credit;
        lock (_receiveLock)
        {
            _abandoned = true;
            credit = _buffered;
            _buffered = 0;
        }

        _inbound.Reader.Complete();
        _connection.ReturnConnectionCredit((int)credit);
        _connection.Buffers.Release((int)credit);
        base.Dispose(disposing);
    }

    /// <summary>Writes bytes already charged to the channel's budget.</summary>
    private ValueTask WriteNow(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        _outbound.Writer.Write(buffer.Span);
        TrackOutbound(buffer.Length);

        // FlushAsync commits the bytes before it returns, so the writer loop sees them once scheduled; the returned
        // task then waits only while the outbound pipe is over its threshold.
        var flush = _outbound.Writer.FlushAsync(cancellationToken);
        _connection.Schedule(this);
        if (flush.IsCompletedSuccessfully)
        {
            var result = flush.Result;
            return result.IsCompleted || result.IsCanceled ? ValueTask.FromException(WriteFailure(result)) : ValueTask.CompletedTask;
        }

        return AwaitFlushAsync(flush);
    }

    private async ValueTask WriteWhenRoomAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        // The room comes from other streams' data going out, or from the channel closing (its streams then release
        // everything they held); a reset of this stream ends the wait through the failure below.
        while (!_connection.Buffers.TryCharge(buffer.Length))
        {
            if (_resetException is { } reset)
            {
                throw reset;
            }

            if (_connection.IsClosing)
            {
                throw new MuxStreamException(ProtocolErrorCode.ConnectionLost, "The channel closed.");
            }

            await _connection.Buffers.WaitForRoomAsync(cancellationToken);
        }

        await WriteNow(buffer, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        var result = await flush;
        if (result.IsCompleted || result.IsCanceled)
        {
            throw WriteFailure(result);
        }
    }

    /// <summary>
    /// The application wrote <paramref name="bytes"/>, charged to the channel: they count against it until sent. A
    /// stream that will send nothing more gives them back at once.
    /// </summary>
    private void TrackOutbound(int bytes)
    {
        while (true)
        {
            var held = Volatile.Read(ref _outboundHeld);
            if (held < 0)
            {
                _connection.Buffers.Release(bytes);
                return;
            }

            if (Interlocked.CompareExchange(ref _outboundHeld, held + bytes, held) == held)
            {
                return;
            }
        }
    }

    /// <summary>Writer loop: <paramref name="bytes"/> went out in a frame.</summary>
    private void ReleaseOutbound(int bytes)
    {
        while (true)
        {
            var held = Volatile.Read(ref _outboundHeld);
            if (held < 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _outboundHeld, held - bytes, held) == held)
            {
                _connection.Buffers.Release(bytes);
                return;
            }
        }
    }

    /// <summary>Nothing more of this stream's output will be sent: what it still held goes back to the budget, for good.</summary>
    private void ReleaseAllOutbound()
    {
        var held = Interlocked.Exchange(ref _outboundHeld, -1);
        if (held > 0)
        {
            _connection.Buffers.Release((int)held);
        }
    }

    private Exception WriteFailure(FlushResult result) => (Exception?)_resetException
        ?? (result.IsCanceled
            ? new OperationCanceledException("The write was canceled.")
            : (Exception)new MuxStreamException(ProtocolErrorCode.StreamClosed, "The stream is closed for writing."));

    private void OnConsumed(int count)
    {
        lock (_receiveLock)
        {
            _buffered -= count;
        }

        _connection.Buffers.Release(count);
        _connection.OnConsumed(count);
        if (!_remoteEnded)
        {
            var increment = _receiveWindow.OnConsumed(count, _connection.TimeProvider, _connection.RoundTrip);
            if (increment > 0)
            {
                _connection.EnqueueControl(new ControlFrame(FrameType.WindowUpdate, Id, increment), fromPeer: false);
            }
        }
    }

    private bool TrySetReset(MuxStreamException exception)
    {
        lock (_receiveLock)
        {
            if (_resetException is not null || (_localEnded && _remoteEnded))
            {
                return false;
            }

            _resetException = exception;
        }

        _accepted?.TrySetException(exception);
        _outbound.Writer.CancelPendingFlush();
        return true;
    }
}
