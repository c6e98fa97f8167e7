using System.Buffers.Binary;
using System.IO.Pipelines;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Mux.FlowControl;
using Burrow.Protocol.Tests.Infrastructure;

namespace Burrow.Protocol.Tests.Mux;

/// <summary>
/// A scripted peer that holds the right keys but breaks the rules. Each breach must close the real side's channel with
/// the matching error code, never an unhandled exception or a hang.
/// </summary>
public sealed class HostilePeerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private static Func<byte[], int> Raw(FrameType type, FrameFlags flags, uint stream, byte[] payload) => buffer =>
    {
        new FrameHeader(payload.Length, type, flags, stream).Write(buffer);
        payload.CopyTo(buffer, FrameHeader.Size);
        return FrameHeader.Size + payload.Length;
    };

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static async Task<ProtocolErrorCode> CloseCodeAsync(MuxConnection real) => (await real.Completion.WaitAsync(Limit)).Code;

    /// <summary>The real server opens stream 1 and the raw agent accepts it.</summary>
    private static async Task<(ServerMuxConnection Real, RawPeer Peer, Task<MuxStream> Stream)> OpenedAsync()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        var stream = real.OpenStreamAsync("demo.localhost", CancellationToken.None).AsTask();
        var open = await peer.ReadFrameAsync(FrameType.Open).WaitAsync(Limit);
        await peer.SendFramesAsync(b => FrameWriter.WriteAccept(b, open.Header.StreamId));
        await stream.WaitAsync(Limit);
        return (real, peer, stream);
    }

    [Fact]
    public async Task Agent_is_not_ready_when_the_servers_first_record_is_a_goaway_with_an_error()
    {
        // A refused channel: authenticated, but over the user's tunnel limit. It must never count as online.
        var (real, peer) = MuxPair.CreateAgentWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteGoAway(b, 0, ProtocolErrorCode.LimitExceeded, "too many tunnels"));
        Assert.False(await real.PeerReady.WaitAsync(Limit));
        Assert.Equal(ProtocolErrorCode.LimitExceeded, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Agent_is_ready_once_the_servers_first_record_leaves_the_channel_open()
    {
        var (real, peer) = MuxPair.CreateAgentWithRawPeer();
        Assert.False(real.PeerReady.IsCompleted);
        await peer.SendFramesAsync(b => FrameWriter.WritePing(b, 42, ack: false));
        Assert.True(await real.PeerReady.WaitAsync(Limit));
    }

    [Fact]
    public async Task Agent_raises_an_accepted_streams_window_right_behind_its_accept_and_holds_the_server_to_it()
    {
        var (real, peer) = MuxPair.CreateAgentWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteOpen(b, 1, "demo.localhost"));
        var stream = await real.AcceptStreamAsync(CancellationToken.None).AsTask().WaitAsync(Limit);
        Assert.NotNull(stream);
        stream.Accept();

        // ACCEPT first, then the raise: a WINDOW_UPDATE before the server knows the stream would be a protocol error.
        await peer.ReadFrameAsync(FrameType.Accept, 1).WaitAsync(Limit);
        var raise = await peer.ReadFrameAsync(FrameType.WindowUpdate, 1).WaitAsync(Limit);
        var window = new MuxOptions().InitialStreamWindowSize;
        Assert.Equal(window - (64 * 1024), (int)FrameReader.ReadWindowIncrement(raise.Payload));

        // The raised window is the limit: one byte past it is a flow-control error.
        var chunk = new byte[16 * 1024];
        for (var i = 0; i < window / chunk.Length; i++)
        {
            await peer.SendFramesAsync(Raw(FrameType.Data, FrameFlags.None, 1, chunk));
        }

        await peer.SendFramesAsync(Raw(FrameType.Data, FrameFlags.None, 1, [0]));
        Assert.Equal(ProtocolErrorCode.FlowControlError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task A_channel_closed_before_it_starts_sends_its_goaway_and_nothing_else()
    {
        // How the server refuses a channel over the tunnel limit: no PING or WINDOW_UPDATE may precede the GOAWAY,
        // or the agent would take the channel for routable.
        var (real, peer) = MuxPair.CreateServerWithRawPeer(start: false);
        real.Abort(ProtocolErrorCode.LimitExceeded, "too many tunnels");
        real.Start();
        Assert.Equal([FrameType.GoAway], await peer.ReadFrameTypesUntilClosedAsync().WaitAsync(Limit));
        Assert.Equal(ProtocolErrorCode.LimitExceeded, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Data_for_a_stream_never_opened_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(Raw(FrameType.Data, FrameFlags.None, 7, [1, 2, 3]));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Data_beyond_the_stream_window_is_a_flow_control_error()
    {
        var (real, peer, _) = await OpenedAsync();
        var chunk = new byte[16 * 1024];
        for (var i = 0; i < new MuxOptions().InitialStreamWindowSize / chunk.Length; i++)
        {
            await peer.SendFramesAsync(Raw(FrameType.Data, FrameFlags.None, 1, chunk));
        }

        await peer.SendFramesAsync(Raw(FrameType.Data, FrameFlags.None, 1, [0]));
        Assert.Equal(ProtocolErrorCode.FlowControlError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Data_after_end_stream_is_a_stream_closed_error()
    {
        var (real, peer, _) = await OpenedAsync();
        await peer.SendFramesAsync(Raw(FrameType.Data, FrameFlags.EndStream, 1, [1]), Raw(FrameType.Data, FrameFlags.None, 1, [2]));
        Assert.Equal(ProtocolErrorCode.StreamClosed, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Server_may_not_send_accept()
    {
        var (real, peer) = MuxPair.CreateAgentWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteOpen(b, 1, "demo.localhost"), b => FrameWriter.WriteAccept(b, 1));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Reset_for_a_stream_never_opened_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateAgentWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteReset(b, 9, ProtocolErrorCode.Cancel, "never opened"));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Goaway_with_an_error_closes_the_channel_at_once()
    {
        var (real, peer, stream) = await OpenedAsync();
        await peer.SendFramesAsync(b => FrameWriter.WriteGoAway(b, 0, ProtocolErrorCode.InternalError, "agent crashed"));

        var reason = await real.Completion.WaitAsync(Limit);
        Assert.Equal(ProtocolErrorCode.InternalError, reason.Code);
        Assert.True(reason.ByPeer);
        await Assert.ThrowsAsync<MuxStreamException>(async () => await (await stream).ReadExactlyAsync(new byte[1]));
    }

    [Fact]
    public async Task Data_beyond_the_channel_window_is_a_flow_control_error_even_within_each_stream_window()
    {
        // The real side keeps the initial 64 KiB channel window; two streams of 40 KiB each fit their own windows only.
        var (real, peer) = MuxPair.CreateServerWithRawPeer(new MuxOptions { ConnectionWindowSize = 64 * 1024 });
        var first = real.OpenStreamAsync("a.localhost", CancellationToken.None).AsTask();
        var second = real.OpenStreamAsync("b.localhost", CancellationToken.None).AsTask();
        await peer.SendFramesAsync(b => FrameWriter.WriteAccept(b, 1), b => FrameWriter.WriteAccept(b, 2));
        await Task.WhenAll(first, second).WaitAsync(Limit);

        var chunk = new byte[10 * 1024];
        for (var i = 0; i < 4; i++)
        {
            await peer.SendFramesAsync(Raw(FrameType.Data, FrameFlags.None, 1, chunk), Raw(FrameType.Data, FrameFlags.None, 2, chunk));
        }

        Assert.Equal(ProtocolErrorCode.FlowControlError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Window_update_for_a_stream_never_opened_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteWindowUpdate(b, 11, 1000));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Accept_for_a_stream_never_opened_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteAccept(b, 3));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Goaway_on_a_stream_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(Raw(FrameType.GoAway, FrameFlags.None, 1, new byte[8]));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Data_on_stream_zero_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(Raw(FrameType.Data, FrameFlags.None, 0, [1]));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Window_update_past_two_to_the_31_is_a_flow_control_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteWindowUpdate(b, 0, int.MaxValue));
        Assert.Equal(ProtocolErrorCode.FlowControlError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Window_update_of_zero_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(Raw(FrameType.WindowUpdate, FrameFlags.None, 0, U32(0)));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Unknown_frame_type_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(Raw((FrameType)0x42, FrameFlags.None, 0, []));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Frame_longer_than_its_record_is_a_frame_size_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        var record = new byte[FrameHeader.Size + 4];
        new FrameHeader(1000, FrameType.Ping, FrameFlags.None, 0).Write(record);
        await peer.SendRecordAsync(record);
        Assert.Equal(ProtocolErrorCode.FrameSizeError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Ping_of_the_wrong_size_is_a_frame_size_error()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(Raw(FrameType.Ping, FrameFlags.None, 0, [1, 2, 3]));
        Assert.Equal(ProtocolErrorCode.FrameSizeError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Agent_may_not_open_streams()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteOpen(b, 1, "evil.localhost"));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Open_that_goes_back_in_stream_ids_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateAgentWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteOpen(b, 5, "demo.localhost"), b => FrameWriter.WriteOpen(b, 3, "demo.localhost"));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Open_with_a_bad_host_is_a_protocol_error()
    {
        var (real, peer) = MuxPair.CreateAgentWithRawPeer();
        await peer.SendFramesAsync(b => FrameWriter.WriteOpen(b, 1, "bad host"));
        Assert.Equal(ProtocolErrorCode.ProtocolError, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Tampered_record_closes_channel()
    {
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        var ping = new byte[17];
        FrameWriter.WritePing(ping, 1, ack: false);
        await peer.SendRecordAsync(ping, record => record[8] ^= 0x80);
        Assert.Equal(ProtocolErrorCode.BadRecord, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Ping_flood_that_is_never_read_is_a_limit_error()
    {
        // The real side's output is never read, so its answers pile up in the control queue.
        var (real, peer) = MuxPair.CreateWithRawPeer(
            realIsServer: true,
            new MuxOptions { MaxPendingControlFrames = 16 },
            pipeOptions: new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        var pings = Enumerable.Range(0, 3000).Select(i => (Func<byte[], int>)(b => FrameWriter.WritePing(b, i, ack: false))).ToArray();
        for (var offset = 0; offset < pings.Length && !real.Completion.IsCompleted; offset += 3000 / 17 * 17 / 17)
        {
            await peer.SendFramesAsync(pings.Skip(offset).Take(3000 / 17).ToArray());
        }

        Assert.Equal(ProtocolErrorCode.LimitExceeded, await CloseCodeAsync(real));
    }

    [Fact]
    public async Task Open_beyond_the_stream_limit_is_refused_and_the_channel_stays_up()
    {
        var (real, peer) = MuxPair.CreateAgentWithRawPeer(new MuxOptions { MaxConcurrentStreams = 2 });
        await peer.SendFramesAsync(
            b => FrameWriter.WriteOpen(b, 1, "demo.localhost"),
            b => FrameWriter.WriteOpen(b, 2, "demo.localhost"),
            b => FrameWriter.WriteOpen(b, 3, "demo.localhost"));

        var reset = await peer.ReadFrameAsync(FrameType.Reset).WaitAsync(Limit);
        Assert.Equal(3u, reset.Header.StreamId);
        Assert.Equal(ProtocolErrorCode.RefusedStream, FrameReader.ReadCode(reset.Payload, out _));
        Assert.False(real.Completion.IsCompleted);
        await real.DisposeAsync();
    }

    [Fact]
    public async Task Flow_control_limits_are_the_protocol_constants()
    {
        Assert.Equal(64 * 1024, FlowControlLimits.InitialWindowSize);
        var (real, peer) = MuxPair.CreateServerWithRawPeer();
        var stream = real.OpenStreamAsync("demo.localhost", CancellationToken.None).AsTask();

        // The stream starts at the protocol's 64 KiB, raised at once, right behind OPEN, to the configured initial window.
        var open = await peer.ReadFrameAsync(FrameType.Open).WaitAsync(Limit);
        var raise = await peer.ReadFrameAsync(FrameType.WindowUpdate, open.Header.StreamId).WaitAsync(Limit);
        Assert.Equal(open.Header.StreamId, raise.Header.StreamId);
        var window = new MuxOptions().InitialStreamWindowSize;
        Assert.Equal(window - (64 * 1024), (int)FrameReader.ReadWindowIncrement(raise.Payload));
        await peer.SendFramesAsync(b => FrameWriter.WriteAccept(b, open.Header.StreamId));

        // A well-behaved peer may then send exactly that window before any further update.
        var chunk = new byte[16 * 1024];
        for (var i = 0; i < window / chunk.Length; i++)
        {
            await peer.SendFramesAsync(Raw(FrameType.Data, FrameFlags.None, 1, chunk));
        }

        var received = new byte[window];
        await (await stream).ReadExactlyAsync(received).AsTask().WaitAsync(Limit);
        var update = await peer.ReadFrameAsync(FrameType.WindowUpdate).WaitAsync(Limit);
        Assert.True(FrameReader.ReadWindowIncrement(update.Payload) > 0);
        Assert.False(real.Completion.IsCompleted);
        await real.DisposeAsync();
    }
}
