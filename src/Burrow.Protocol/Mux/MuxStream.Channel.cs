using System.Buffers;
using System.Diagnostics;

namespace Burrow.Protocol.Mux;

/// <summary>The side of a stream that the connection's reader and writer loops drive.</summary>
public sealed partial class MuxStream
{
    internal Task WaitAcceptedAsync(CancellationToken cancellationToken)
    {
        Debug.Assert(_accepted is not null, "Only streams this side opened wait for ACCEPT.");
        return _accepted.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Reader loop: the agent accepted the stream.</summary>
    internal void OnAccepted()
    {
        _acceptedFlag = true;
        _accepted?.TrySetResult();
    }

    /// <summary>
    /// Reader loop: a DATA frame for this stream. Throws for flow-control or state violations. The bytes are committed
    /// to the inbound pipe but not flushed: returns true when the stream just gained unflushed bytes, and the reader
    /// loop then calls <see cref="FlushInbound"/> once the records of one read are done. A bulk stream's record
    /// carries four DATA frames; flushing each woke the reading application once per frame (issue #16; over two 100 MiB
    /// downloads, `strace -c` counted the server's futex calls 7,944 -> 5,989, its socket sends unchanged).
    /// </summary>
    internal bool OnData(ReadOnlySpan<byte> payload, bool endStream)
    {
        var unflushed = false;
        if (_remoteEnded)
        {
            if (_resetException is not null)
            {
                // Frames already in flight when we reset: drop them, but their bytes still count for the channel.
                _connection.ReturnConnectionCredit(payload.Length);
                return false;
            }

            throw new ProtocolException(ProtocolErrorCode.StreamClosed, $"DATA on stream {Id} after END_STREAM.");
        }

        if (!_receiveWindow.TryReceive(payload.Length))
        {
            throw new ProtocolException(ProtocolErrorCode.FlowControlError, $"Stream {Id} sent more than its window allows.");
        }

        var discard = false;
        if (payload.Length > 0)
        {
            lock (_receiveLock)
            {
                discard = _abandoned || _resetException is not null;
                if (!discard)
                {
                    _buffered += payload.Length;
                    _connection.Buffers.Charge(payload.Length);
                }
            }

            if (discard)
            {
                _connection.ReturnConnectionCredit(payload.Length);
            }
            else
            {
                var writer = _inbound.Writer;
                payload.CopyTo(writer.GetSpan(payload.Length));
                writer.Advance(payload.Length);
                unflushed = !_inboundUnflushed;
                _inboundUnflushed = true;
            }
        }

        if (endStream)
        {
            FlushInbound();
            unflushed = false;
            _remoteEnded = true;
            _inbound.Writer.Complete();
            if (IsDone)
            {
                _connection.RemoveStream(this);
            }
        }

        return unflushed;
    }

    /// <summary>Reader loop: hands the application what <see cref="OnData"/> committed since the last flush.</summary>
    internal void FlushInbound()
    {
        if (!_inboundUnflushed)
        {
            return;
        }

        _inboundUnflushed = false;

        // The inbound pipe never pauses (the window bounds it), so this completes synchronously.
        var flush = _inbound.Writer.FlushAsync();
        Debug.Assert(flush.IsCompleted, "The inbound pipe must not apply its own backpressure.");
    }

    /// <summary>Reader loop: the peer reset the stream, or the channel closed under it.</summary>
    internal void OnAborted(MuxStreamException exception)
    {
        _inboundUnflushed = false;
        var wasActive = TrySetReset(exception);
        _remoteEnded = true;
        ReleaseAllOutbound();
        if (wasActive)
        {
            // The inbound pipe fails below, so what arrived and was not read is dropped with the stream: its channel
            // credit goes back to the peer and it no longer counts against the channel's budget.
            long unread;
            lock (_receiveLock)
            {
                unread = _buffered;
                _buffered = 0;
                _abandoned = true;
            }

            _connection.ReturnConnectionCredit((int)unread);
            _connection.Buffers.Release((int)unread);
        }
        if (wasActive)
        {
            _inbound.Writer.Complete(exception);
            _connection.Schedule(this);
        }
        else
        {
            _inbound.Writer.Complete();
        }
    }

    internal bool TryMarkScheduled() => Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0;

    /// <summary>
    /// Writer loop: writes at most one DATA frame of up to <paramref name="maxPayload"/> bytes (already capped by
    /// record space and channel credit) into <paramref name="destination"/>. Returns the frame's size (0 if nothing to
    /// send). <paramref name="wantsMore"/> says the stream still has data and credit of its own and should be queued
    /// again (also when nothing was written because the channel window, <paramref name="maxPayload"/> 0, is shut).
    /// </summary>
    internal int WriteDataFrame(Span<byte> destination, int maxPayload, out int payloadLength, out bool wantsMore)
    {
        Volatile.Write(ref _scheduled, 0);
        payloadLength = 0;
        wantsMore = false;
        if (_localEnded)
        {
            return 0;
        }

        var reader = _outbound.Reader;
        if (_resetException is not null)
        {
            // Reset: nothing more goes out. Completing the reader wakes any writer parked on backpressure.
            _localEnded = true;
            reader.Complete();
            ReleaseAllOutbound();
            return 0;
        }

        if (!reader.TryRead(out var result))
        {
            return 0;
        }

        var buffer = result.Buffer;
        var count = SendWindow.Take((int)Math.Min(maxPayload, buffer.Length));
        var end = result.IsCompleted && count == buffer.Length;
        if (count == 0 && !end)
        {
            reader.AdvanceTo(buffer.Start);

            // Data and stream credit but no channel credit: the stream must stay queued, because the channel's
            // WINDOW_UPDATE wakes the writer without knowing which streams were waiting for it.
            wantsMore = maxPayload == 0 && !buffer.IsEmpty && SendWindow.Available > 0;
            if (!buffer.IsEmpty && SendWindow.Available <= 0)
            {
                // Data waits for the peer's stream credit (its WINDOW_UPDATE schedules the stream again).
                _connection.CountFlowControlStall();
            }

            return 0;
        }

        buffer.Slice(0, count).CopyTo(destination[FrameHeader.Size..]);
        FrameWriter.WriteDataHeader(destination, Id, count, end);
        reader.AdvanceTo(buffer.GetPosition(count));
        ReleaseOutbound(count);
        payloadLength = count;
        if (end)
        {
            _localEnded = true;
            reader.Complete();
            ReleaseAllOutbound();
            if (IsDone)
            {
                _connection.RemoveStream(this);
            }
        }
        else
        {
            wantsMore = buffer.Length > count && SendWindow.Available > 0;
        }

        return FrameHeader.Size + count;
    }
}
