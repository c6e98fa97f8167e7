using System.Buffers;
using Burrow.Protocol.Records;
using Burrow.Protocol.Transport;

namespace Burrow.Protocol.Mux;

/// <summary>The reader loop: opens records, checks every frame, dispatches to streams.</summary>
public abstract partial class MuxConnection
{
    /// <summary>Streams that received DATA in the records being processed; reader loop only.</summary>
    private readonly List<MuxStream> _unflushedStreams = [];

    private async Task ReadLoopAsync()
    {
        var input = _transport.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;

                // Taken per read, not for the channel's life: an idle channel then holds no plaintext buffer (at
                // 10,000 tunnels the writer's 64 KiB held for life was most of the server's memory per tunnel).
                var scratch = ArrayPool<byte>.Shared.Rent(RecordLayout.MaxPlaintextSize);
                try
                {
                    while (Volatile.Read(ref _closing) == 0 && _opener.TryOpen(ref buffer, scratch, out var length))
                    {
                        Volatile.Write(ref _lastReceiveTimestamp, TimeProvider.GetTimestamp());
                        Volatile.Write(ref _bytesReceived, _bytesReceived + length + RecordLayout.Overhead);
                        ProcessRecord(scratch.AsSpan(0, length));
                        if (!_peerReady.Task.IsCompleted && !IsDraining)
                        {
                            _peerReady.TrySetResult(true);
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                    FlushStreams();
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCanceled || Volatile.Read(ref _closing) != 0)
                {
                    break;
                }

                if (result.IsCompleted)
                {
                    Close(
                        _goAwayReceived ? ProtocolErrorCode.NoError : ProtocolErrorCode.ConnectionLost,
                        buffer.IsEmpty ? "The peer closed the channel." : "The peer closed the channel in the middle of a record.",
                        byPeer: true);
                    break;
                }
            }
        }
        catch (ProtocolException ex)
        {
            Close(ex.Code, ex.Message, byPeer: false);
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            Close(ProtocolErrorCode.ConnectionLost, $"Reading the channel failed: {ex.Message}", byPeer: true);
        }
        finally
        {
            await input.CompleteAsync();
            FailAllStreams();
        }
    }

    private void FailAllStreams()
    {
        var reason = _closeReason;
        var exception = new MuxStreamException(
            ProtocolErrorCode.ConnectionLost,
            $"The channel closed: {reason?.Message ?? "connection lost"}");
        MuxStream[] streams;
        lock (StreamsLock)
        {
            streams = [.. Streams.Values];
            Streams.Clear();
        }

        foreach (var stream in streams)
        {
            stream.OnAborted(exception);
        }

        OnStreamsFailed();
        _drained.TrySetResult();
    }

    private void ProcessRecord(ReadOnlySpan<byte> record)
    {
        var reader = new FrameReader(record);
        while (reader.TryRead(out var header, out var payload))
        {
            switch (header.Type)
            {
                case FrameType.Data:
                    OnDataFrame(header, payload);
                    break;
                case FrameType.Open:
                    OnOpenFrame(header, payload);
                    break;
                case FrameType.Accept:
                    OnAcceptFrame(header);
                    break;
                case FrameType.Reset:
                    OnResetFrame(header, payload);
                    break;
                case FrameType.WindowUpdate:
                    OnWindowUpdateFrame(header, payload);
                    break;
                case FrameType.Ping:
                    OnPingFrame(header, payload);
                    break;
                case FrameType.GoAway:
                    OnGoAwayFrame(payload);
                    break;
                case FrameType.Health:
                    OnHealthFrame(FrameReader.ReadHealth(payload));
                    break;
            }
        }
    }

    /// <summary>
    /// The stream a frame is for, or null when it was opened and has closed since (frames in flight are dropped).
    /// A frame for a stream id that was never opened is a protocol error.
    /// </summary>
    private protected MuxStream? FindStream(in FrameHeader header)
    {
        lock (StreamsLock)
        {
            if (Streams.TryGetValue(header.StreamId, out var stream))
            {
                return stream;
            }

            if (header.StreamId > LastStreamId)
            {
                throw new ProtocolException(ProtocolErrorCode.ProtocolError, $"{header.Type} frame for stream {header.StreamId}, which was never opened.");
            }

            return null;
        }
    }

    private void OnDataFrame(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (!_receiveWindow.TryReceive(payload.Length))
        {
            throw new ProtocolException(ProtocolErrorCode.FlowControlError, "The peer sent more than the channel window allows.");
        }

        var stream = FindStream(header);
        if (stream is null)
        {
            ReturnConnectionCredit(payload.Length);
            return;
        }

        if (stream.OnData(payload, (header.Flags & FrameFlags.EndStream) != 0))
        {
            _unflushedStreams.Add(stream);
        }
    }

    /// <summary>Hands every stream the data the records just read brought it: one flush per stream, not per frame.</summary>
    private void FlushStreams()
    {
        foreach (var stream in _unflushedStreams)
        {
            stream.FlushInbound();
        }

        _unflushedStreams.Clear();
    }

    private void OnResetFrame(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        var stream = FindStream(header);
        if (stream is null)
        {
            return;
        }

        var code = FrameReader.ReadCode(payload, out var reason);
        stream.OnAborted(new MuxStreamException(
            code,
            string.IsNullOrEmpty(reason) ? $"The peer reset the stream: {code}." : $"The peer reset the stream: {code}: {reason}",
            reason: reason));
        RemoveStream(stream);
    }

    private void OnWindowUpdateFrame(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        var increment = FrameReader.ReadWindowIncrement(payload);
        if (increment == 0)
        {
            throw new ProtocolException(ProtocolErrorCode.ProtocolError, "WINDOW_UPDATE with an increment of 0.");
        }

        if (header.StreamId == 0)
        {
            if (!_sendWindow.TryGrow(increment))
            {
                throw new ProtocolException(ProtocolErrorCode.FlowControlError, "WINDOW_UPDATE overflowed the channel window past 2^31-1.");
            }

            _writerSignal.Set();
            return;
        }

        var stream = FindStream(header);
        if (stream is null)
        {
            return;
        }

        if (!stream.SendWindow.TryGrow(increment))
        {
            throw new ProtocolException(ProtocolErrorCode.FlowControlError, $"WINDOW_UPDATE overflowed stream {header.StreamId}'s window past 2^31-1.");
        }

        Schedule(stream);
    }

    private void OnPingFrame(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        var opaque = FrameReader.ReadPing(payload);
        if ((header.Flags & FrameFlags.Ack) == 0)
        {
            EnqueueControl(new ControlFrame(FrameType.Ping, 0, opaque, Ack: true), fromPeer: true);
            return;
        }

        Volatile.Write(ref _pingSentTimestamp, 0);

        // Our pings carry their send timestamp; a peer's garbage only skews window growth, within its bounds.
        var sample = TimeProvider.GetElapsedTime(opaque).Ticks;
        if (sample is > 0 and < TimeSpan.TicksPerSecond * 10)
        {
            var previous = Volatile.Read(ref _roundTripTicks);
            Volatile.Write(ref _roundTripTicks, previous == TimeSpan.TicksPerMillisecond ? sample : ((previous * 7) + sample) / 8);
            Volatile.Write(ref _roundTripMeasured, 1);
        }

        PingAcknowledged?.Invoke();
    }

    private void OnGoAwayFrame(ReadOnlySpan<byte> payload)
    {
        FrameReader.ReadGoAway(payload, out var code, out var reason);
        _goAwayReceived = true;
        Log.GoAwayReceived(_logger, Name, code, reason);
        GoAwayReceived?.Invoke(this, code, reason);
        if (code != ProtocolErrorCode.NoError)
        {
            Close(code, $"The peer closed the channel: {code}: {reason}", byPeer: true);
            return;
        }

        CheckDrained();
    }
}
