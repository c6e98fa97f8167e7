using System.IO.Pipelines;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Mux.FlowControl;
using Burrow.Protocol.Tests.Infrastructure;
using Burrow.Testing;

namespace Burrow.Protocol.Tests.Mux;

/// <summary>
/// Issue #10: a peer that grants every window and then stops reading must not make this side hold more than the
/// channel's budget, must lose its channel once it has taken nothing for the write-stall timeout, and a peer that keeps
/// talking but never answers PING is as dead as a silent one.
/// </summary>
public sealed class BufferBudgetTests
{
    private const int HugeWindow = 1 << 30;
    private const int Budget = 256 * 1024;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <summary>The link to the raw peer holds 16 KiB: once the peer stops reading, the writer's flush waits.</summary>
    private static readonly PipeOptions SmallLink = new(pauseWriterThreshold: 16 * 1024, resumeWriterThreshold: 8 * 1024);

    [Fact]
    public async Task Writes_past_the_channel_budget_wait_and_the_budget_empties_when_the_data_goes_out()
    {
        var shared = new BufferBudget(64 * 1024 * 1024);
        var (server, peer) = MuxPair.CreateServerWithRawPeer(new MuxOptions { ChannelBufferBudget = Budget }, pipeOptions: SmallLink, sharedBudget: shared);
        var streams = await AcceptAllAsync(server, peer, count: 8);

        // Eight writers, 1 MiB each, against a peer that reads nothing: what the channel holds stops at its budget
        // (past it by at most one write), not at eight times the stream buffer.
        var chunk = new byte[32 * 1024];
        var writers = streams.Select(stream => Task.Run(async () =>
        {
            for (var i = 0; i < 32; i++)
            {
                await stream.WriteAsync(chunk);
            }

            stream.CompleteWrites();
        })).ToArray();
        await Poll.UntilAsync(() => server.BufferedBytes >= Budget, "the channel to reach its budget");

        Assert.InRange(server.BufferedBytes, Budget, Budget + chunk.Length);
        Assert.Equal(server.BufferedBytes, shared.Used);
        Assert.All(writers, w => Assert.False(w.IsCompleted));

        // The peer reads again: every write completes, and nothing stays counted.
        using var stop = new CancellationTokenSource();
        var draining = peer.DrainAsync(stop.Token);
        await Task.WhenAll(writers).WaitAsync(Limit);
        await Poll.UntilAsync(() => server.BufferedBytes == 0, "the budget to empty");
        Assert.Equal(0, shared.Used);
        await stop.CancelAsync();
        await draining;
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Streams_reset_while_their_data_waits_give_their_share_of_the_budget_back()
    {
        var shared = new BufferBudget(64 * 1024 * 1024);
        var (server, peer) = MuxPair.CreateServerWithRawPeer(new MuxOptions { ChannelBufferBudget = Budget }, pipeOptions: SmallLink, sharedBudget: shared);
        var streams = await AcceptAllAsync(server, peer, count: 4);
        foreach (var stream in streams)
        {
            await stream.WriteAsync(new byte[48 * 1024]);
        }

        await Poll.UntilAsync(() => server.BufferedBytes > 0, "data to be held");
        foreach (var stream in streams)
        {
            stream.Reset(ProtocolErrorCode.Cancel, "the public client went away");
            await stream.DisposeAsync();
        }

        // Reset streams send nothing more; the writer drops their data once it gets to them, or the channel closes.
        server.Abort(ProtocolErrorCode.NoError, "test over");
        await server.Completion.WaitAsync(Limit);
        await Poll.UntilAsync(() => server.BufferedBytes == 0, "the budget to empty");
        Assert.Equal(0, shared.Used);
    }

    [Fact]
    public async Task Peer_that_takes_no_data_loses_the_channel_after_the_write_stall_timeout()
    {
        var time = new WatchedFakeTimeProvider(DateTimeOffset.UtcNow);
        var (server, peer) = MuxPair.CreateServerWithRawPeer(new MuxOptions { WriteStallTimeout = TimeSpan.FromSeconds(30) }, time, SmallLink);
        var stream = (await AcceptAllAsync(server, peer, count: 1))[0];
        // More than the writer can take into the transport's buffer (a flush's worth) and the stream's: this write waits.
        var writing = stream.WriteAsync(new byte[1024 * 1024]).AsTask();

        // The writer's flush waits on the full link: its stall timer is armed.
        await time.WaitForArmedTimersAsync(TimeSpan.FromSeconds(30), 1);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(server.Completion.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));

        var reason = await server.Completion.WaitAsync(Limit);
        Assert.Equal(ProtocolErrorCode.WriteStalled, reason.Code);
        await Assert.ThrowsAnyAsync<IOException>(() => writing.WaitAsync(Limit));
        Assert.Equal(0, server.BufferedBytes);
    }

    [Fact]
    public async Task Peer_that_keeps_sending_but_never_answers_ping_is_dead_after_the_keepalive_deadline()
    {
        var time = new WatchedFakeTimeProvider(DateTimeOffset.UtcNow);
        var interval = TimeSpan.FromSeconds(15);
        var (server, peer) = MuxPair.CreateServerWithRawPeer(new MuxOptions { KeepAliveInterval = interval, KeepAliveMissedIntervals = 3 }, time);
        await time.WaitForArmedTimersAsync(interval, 1);

        // Every interval the peer proves it is alive by pinging us (and reads our answer), but ignores our PING.
        for (var step = 0; step < 2; step++)
        {
            time.Advance(interval);
            await time.WaitForArmedTimersAsync(interval, 1);
            await peer.SendFramesAsync(b => FrameWriter.WritePing(b, step, ack: false));
            await peer.ReadFrameAsync(FrameType.Ping).WaitAsync(Limit);
            Assert.False(server.Completion.IsCompleted);
        }

        time.Advance(interval);

        var reason = await server.Completion.WaitAsync(Limit);
        Assert.Equal(ProtocolErrorCode.KeepaliveTimeout, reason.Code);
        Assert.Contains("PING", reason.Message, StringComparison.Ordinal);
    }

    private static async Task<List<MuxStream>> AcceptAllAsync(ServerMuxConnection server, RawPeer peer, int count)
    {
        await peer.SendFramesAsync(b => FrameWriter.WriteWindowUpdate(b, 0, HugeWindow));
        var streams = new List<MuxStream>();
        for (var i = 0; i < count; i++)
        {
            var opening = server.OpenStreamAsync("demo.localhost", CancellationToken.None).AsTask();
            var open = await peer.ReadFrameAsync(FrameType.Open).WaitAsync(Limit);
            await peer.SendFramesAsync(
                b => FrameWriter.WriteAccept(b, open.Header.StreamId),
                b => FrameWriter.WriteWindowUpdate(b, open.Header.StreamId, HugeWindow));
            streams.Add(await opening.WaitAsync(Limit));
        }

        return streams;
    }
}
