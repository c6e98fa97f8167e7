using System.Buffers;
using System.Diagnostics;
using Burrow.Protocol.Records;
using Burrow.Protocol.Transport;

namespace Burrow.Protocol.Mux;

/// <summary>
/// The writer loop: the only code that writes to the transport. Each pass fills one record with control frames
/// first, then DATA from ready streams in round-robin order (one frame of at most
/// <see cref="MuxOptions.MaxFramePayloadSize"/> per stream per turn, so a bulk transfer cannot hold up a small
/// response by more than a frame per active stream), seals it, and flushes once no work is left.
/// </summary>
public abstract partial class MuxConnection
{
    /// <summary>Flush at least this often during a burst so the socket starts sending while we seal more.</summary>
    private const int FlushThreshold = 256 * 1024;

    /// <summary>
    /// Plaintext per record this side sends: a whole sealed record (plaintext + 20 bytes) then fits a 64 KiB buffer,
    /// where the protocol's maximum would make the output pipe rent 128 KiB arrays and use half of each.
    /// </summary>
    private const int SendRecordPlaintext = RecordLayout.MaxPlaintextSize - RecordLayout.Overhead;

    /// <summary>The least room a record is started in; with less left in the output buffer, the next buffer is taken.</summary>
    private const int MinimumRecordRoom = 16 * 1024;

    private async Task WriteLoopAsync()
    {
        var output = _transport.Output;
        Exception? failure = null;
        try
        {
            while (true)
            {
                await _writerSignal.WaitAsync();
                var unflushed = 0;
                int used;
                // Frames are written where the record goes in the socket's buffer and encrypted there: no staging
                // copy of each 64 KiB (issue 16). The buffer is taken only when there is something to send: one taken
                // and left unused stays with the channel until its next write (64 KiB per idle channel). A record
                // takes the room left in the current buffer (at least MinimumRecordRoom, at most a sealed 64 KiB), so
                // a burst of small records shares one buffer and leaves in one send instead of one buffer each.
                while (HasWork() && output.GetSpan(MinimumRecordRoom) is var record
                       && (used = FillRecord(record.Slice(RecordLayout.HeaderSize, Math.Min(record.Length, SendRecordPlaintext + RecordLayout.Overhead) - RecordLayout.Overhead))) > 0)
                {
                    output.Advance(_sealer.SealInPlace(record, used));
                    unflushed += used + RecordLayout.Overhead;
                    Volatile.Write(ref _bytesSent, _bytesSent + used + RecordLayout.Overhead);
                    if (unflushed >= FlushThreshold)
                    {
                        unflushed = 0;
                        if (!await FlushAsync(output))
                        {
                            failure = new IOException("The flush was canceled: the peer stopped reading.");
                            return;
                        }
                    }
                }

                if (unflushed > 0 && !await FlushAsync(output))
                {
                    failure = new IOException("The flush was canceled: the peer stopped reading.");
                    return;
                }

                if (_stopWriting && _control.IsEmpty)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            failure = ex;
            Log.WriterFailed(_logger, Name, ex.Message);
            Close(ProtocolErrorCode.ConnectionLost, $"Writing to the channel failed: {ex.Message}", byPeer: true);
        }
        finally
        {
            try
            {
                // Completing with the failure tells a stream-backed writer not to flush what it still holds: that
                // flush has no cancellation, so for a peer that stopped reading it would wait forever, and the
                // channel's Completion with it. (Seen as a hung server shutdown.)
                await output.CompleteAsync(failure);
            }
            catch (Exception ex) when (TransportFailure.Is(ex))
            {
            }
        }
    }

    /// <summary>
    /// Flushes to the transport; false if the flush was canceled (closing) or the transport is done. A flush that
    /// stays pending for <see cref="MuxOptions.WriteStallTimeout"/> means the peer takes nothing: the stall timer closes
    /// the channel (issue #10: an agent that never reads but sends a record now and then used to stay forever).
    /// </summary>
    private async ValueTask<bool> FlushAsync(System.IO.Pipelines.PipeWriter output)
    {
        var flush = output.FlushAsync();
        System.IO.Pipelines.FlushResult result;
        if (flush.IsCompleted)
        {
            result = flush.Result;
        }
        else
        {
            _stallTimer.Change(Options.WriteStallTimeout, Timeout.InfiniteTimeSpan);
            try
            {
                result = await flush;
            }
            finally
            {
                _stallTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        return !result.IsCompleted && !result.IsCanceled;
    }

    private void OnWriteStalled()
    {
        Close(ProtocolErrorCode.WriteStalled, $"The peer took no data for {Options.WriteStallTimeout.TotalSeconds:0.#} s while we had some for it.", byPeer: false);
        _transport.Output.CancelPendingFlush();
    }

    /// <summary>Whether <see cref="FillRecord"/> would write anything: control frames, or ready streams and channel credit.</summary>
    private bool HasWork() => !_control.IsEmpty || (!_stopWriting && !_ready.IsEmpty && _sendWindow.Available > 0);

    private int FillRecord(Span<byte> plaintext)
    {
        var used = 0;
        while (plaintext.Length - used >= FrameWriter.MaxControlFrameSize && _control.TryDequeue(out var frame))
        {
            Interlocked.Decrement(ref _controlCount);
            used += frame.WriteTo(plaintext[used..]);
        }

        if (_stopWriting)
        {
            return used;
        }

#pragma warning disable CA2000 // Dequeued, not created: the streams belong to the application that opened or accepted them.
        while (plaintext.Length - used > FrameHeader.Size && _ready.TryDequeue(out var stream))
#pragma warning restore CA2000
        {
            var room = plaintext.Length - used - FrameHeader.Size;
            var max = (int)Math.Min(Math.Min(room, Options.MaxFramePayloadSize), Math.Max(0, _sendWindow.Available));
            used += stream.WriteDataFrame(plaintext[used..], max, out var payloadLength, out var wantsMore);
            if (payloadLength > 0)
            {
                var taken = _sendWindow.Take(payloadLength);
                Debug.Assert(taken == payloadLength, "Only the writer loop takes channel credit.");
            }

            if (wantsMore)
            {
                if (payloadLength > 0)
                {
                    Schedule(stream);
                }
                else if (stream.TryMarkScheduled())
                {
                    // Held back by the channel window alone: queue it again without waking the writer, which could
                    // only spin; the channel's WINDOW_UPDATE wakes it.
                    _ready.Enqueue(stream);
                }
            }

            if (_sendWindow.Available <= 0)
            {
                // The channel's send window is spent while streams are still ready: a flow-control stall.
                if (!_ready.IsEmpty)
                {
                    CountFlowControlStall();
                }

                break;
            }
        }

        return used;
    }
}
