using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Burrow.BenchTools.Tunnels;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Mux.FlowControl;
using Burrow.Protocol.Records;

namespace Burrow.BenchTools.Hostile;

/// <summary>
/// <c>hostile-agent SERVER USER TOKEN NAME STREAMS ACCEPT_S HOLD_S READ_BYTES_PER_S</c>: the memory-exhaustion tenant
/// of issue 10, scripted from docs/protocol.md with the protocol's public handshake, record and frame codecs. It
/// registers NAME, grants the channel and every stream the largest window the protocol allows, ACCEPTs every OPEN
/// while reading only as fast as it needs to see them, then never reads again once STREAMS were accepted (or ACCEPT_S
/// after the first OPEN). While stalled it sends an empty record every second, so a server that watches only what it
/// receives believes the channel alive, and it notes when a write fails because the server cut it off. It gives up
/// after HOLD_S stalled. Prints "ready" once routable, then JSON lines "stalled" and "done".
/// </summary>
internal sealed class HostileAgent(HostileAgentSettings settings)
{
    /// <summary>Takes a fresh 64 KiB window to 2^31-1, the protocol's maximum.</summary>
    private const int HugeGrant = FlowControlLimits.MaxWindowSize - FlowControlLimits.InitialWindowSize;

    private static readonly TimeSpan FirstOpenTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StallWriteInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// SO_RCVBUF of the channel socket: small, so that what piles up once the agent stops reading piles up in the
    /// server rather than in this side's kernel buffer.
    /// </summary>
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly Stopwatch _clock = new();
    private bool _ready;
    private int _accepted;
    private int _resets;
    private long _bytesRead;
    private long _dataBytes;
    private string? _goAway;
    private TimeSpan? _firstOpen;
    private TimeSpan? _stalled;
    private TimeSpan? _disconnected;
    private bool _closedWhileReading;
    private int _blockedWrites;

    public async Task<int> RunAsync(CancellationToken stop)
    {
        using var http = RegistrationApi.CreateClient(settings.Server, 1);
        var registration = await RegistrationApi.RegisterAsync(http, settings.User, settings.Token, settings.Name, stop);
        await using var channel = await RawChannel.OpenAsync(registration, ReceiveBufferSize, stop);
        using var sealer = channel.Keys.CreateSealer();
        using var opener = channel.Keys.CreateOpener();
        var writer = new RecordWriter(channel.Stream, sealer);
        _clock.Start();

        // Right after the handshake, as a real agent does, but asking for everything the protocol allows.
        writer.Add(d => FrameWriter.WriteWindowUpdate(d, 0, HugeGrant));
        await writer.FlushAsync(stop);

        await AcceptAsync(channel.Transport.Input, opener, writer, stop);
        _stalled = _clock.Elapsed;
        ToolOutput.Json(new Dictionary<string, object?>
        {
            ["event"] = "stalled",
            ["at_unix"] = Unix(),
            ["accepted"] = _accepted,
            ["data_bytes_read"] = _dataBytes,
        });

        if (!_closedWhileReading)
        {
            await StallAsync(writer, stop);
        }

        ToolOutput.Json(Report());
        return _ready ? 0 : 1;
    }

    /// <summary>Reads, paced, answering OPEN with ACCEPT and a huge window and PING with its ACK, until it is time to stop.</summary>
    private async Task AcceptAsync(PipeReader input, RecordOpener opener, RecordWriter writer, CancellationToken stop)
    {
        var scratch = new byte[RecordLayout.MaxRecordSize];
        using var window = CancellationTokenSource.CreateLinkedTokenSource(stop);
        window.CancelAfter(FirstOpenTimeout);
        while (_accepted < settings.ExpectedStreams)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(window.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var buffer = result.Buffer;
            var hadOpen = _firstOpen is not null;
            while (opener.TryOpen(ref buffer, scratch, out var length))
            {
                _bytesRead += length + RecordLayout.Overhead;
                Process(scratch.AsSpan(0, length), writer);
                if (!_ready)
                {
                    // The server sends its first record only once the channel is routable (docs/protocol.md section 2).
                    _ready = true;
                    Console.WriteLine("ready");
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (!hadOpen && _firstOpen is not null)
            {
                window.CancelAfter(settings.AcceptWindow);
            }

            await writer.FlushAsync(stop);
            if (result.IsCompleted)
            {
                _closedWhileReading = true;
                _disconnected = _clock.Elapsed;
                return;
            }

            if (_firstOpen is { } first)
            {
                // Reading at a trickle still sees every OPEN soon enough (the server puts control frames first in
                // every record) while the public uploads pile up behind the windows this agent granted.
                var due = TimeSpan.FromSeconds(_bytesRead / (double)settings.ReadBytesPerSecond) - (_clock.Elapsed - first);
                if (due > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(due, window.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
    }

    private void Process(ReadOnlySpan<byte> record, RecordWriter writer)
    {
        var reader = new FrameReader(record);
        while (reader.TryRead(out var header, out var payload))
        {
            var stream = header.StreamId;
            switch (header.Type)
            {
                case FrameType.Open:
                    _firstOpen ??= _clock.Elapsed;
                    _accepted++;
                    writer.Add(d => FrameWriter.WriteAccept(d, stream));
                    writer.Add(d => FrameWriter.WriteWindowUpdate(d, stream, HugeGrant));
                    break;
                case FrameType.Ping when (header.Flags & FrameFlags.Ack) == 0:
                    var opaque = FrameReader.ReadPing(payload);
                    writer.Add(d => FrameWriter.WritePing(d, opaque, ack: true));
                    break;
                case FrameType.Data:
                    _dataBytes += header.Length;
                    break;
                case FrameType.Reset:
                    _resets++;
                    break;
                case FrameType.GoAway:
                    FrameReader.ReadGoAway(payload, out var code, out var reason);
                    _goAway = $"{code}: {reason}";
                    break;
            }
        }
    }

    /// <summary>Never reads again; writes an empty record every second until a write fails or the hold time is up.</summary>
    private async Task StallAsync(RecordWriter writer, CancellationToken stop)
    {
        var stalled = _clock.Elapsed;
        while (_clock.Elapsed - stalled < settings.Hold)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(WriteTimeout);
            try
            {
                await writer.SendEmptyRecordAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // The server stopped reading too: a cancelled socket write leaves the stream unusable, so stop here.
                _blockedWrites++;
                return;
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                _disconnected = _clock.Elapsed;
                return;
            }

            try
            {
                await Task.Delay(StallWriteInterval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Dictionary<string, object?> Report() => new()
    {
        ["event"] = "done",
        ["name"] = settings.Name,
        ["ready"] = _ready,
        ["accepted"] = _accepted,
        ["resets_received"] = _resets,
        ["bytes_read"] = _bytesRead,
        ["data_bytes_read"] = _dataBytes,
        ["goaway_received"] = _goAway,
        ["first_open_s"] = Seconds(_firstOpen),
        ["stalled_s"] = Seconds(_stalled),
        ["stalled_after_first_open_s"] = _stalled is { } s && _firstOpen is { } f ? ToolOutput.Round((s - f).TotalSeconds) : null,
        ["closed_while_reading"] = _closedWhileReading,
        ["disconnected"] = _disconnected is not null,
        ["disconnected_after_stall_s"] = _disconnected is { } d && _stalled is { } st && !_closedWhileReading ? ToolOutput.Round((d - st).TotalSeconds) : null,
        ["write_blocked"] = _blockedWrites > 0,
        ["hold_s"] = settings.Hold.TotalSeconds,
        ["at_unix"] = Unix(),
    };

    private static double? Seconds(TimeSpan? value) => value is { } v ? ToolOutput.Round(v.TotalSeconds) : null;

    private static double Unix() => ToolOutput.Round(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, 3);
}
