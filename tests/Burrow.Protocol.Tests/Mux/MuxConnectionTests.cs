using System.Security.Cryptography;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Tests.Infrastructure;
using Burrow.Testing;

namespace Burrow.Protocol.Tests.Mux;

/// <summary>Two real connections over in-memory pipes: streams, half-close, reset, backpressure, GOAWAY, keepalive.</summary>
public sealed class MuxConnectionTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private static async Task<(MuxStream Server, MuxStream Agent)> OpenAsync(ServerMuxConnection server, AgentMuxConnection agent, string host = "demo.localhost")
    {
        var accepting = Task.Run(async () =>
        {
            var stream = await agent.AcceptStreamAsync(CancellationToken.None);
            stream!.Accept();
            return stream;
        });
        var opened = await server.OpenStreamAsync(host, CancellationToken.None).AsTask().WaitAsync(Limit);
        return (opened, await accepting.WaitAsync(Limit));
    }

    [Fact]
    public async Task Stream_carries_bytes_both_ways_and_names_its_host()
    {
        var (server, agent) = MuxPair.Create();
        var (s, a) = await OpenAsync(server, agent, "app.example.com");

        await s.WriteAsync("ping"u8.ToArray());
        var buffer = new byte[4];
        await a.ReadExactlyAsync(buffer).AsTask().WaitAsync(Limit);
        await a.WriteAsync("pong"u8.ToArray());
        var answer = new byte[4];
        await s.ReadExactlyAsync(answer).AsTask().WaitAsync(Limit);

        Assert.Equal("app.example.com", a.Host);
        Assert.Equal("ping"u8.ToArray(), buffer);
        Assert.Equal("pong"u8.ToArray(), answer);
        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task Two_hundred_concurrent_streams_keep_their_data_apart()
    {
        var (server, agent) = MuxPair.Create();
        var echo = Task.Run(async () =>
        {
            while (await agent.AcceptStreamAsync(CancellationToken.None) is { } stream)
            {
                stream.Accept();
                _ = Task.Run(async () =>
                {
                    await stream.CopyToAsync(stream);
                    stream.CompleteWrites();
                });
            }
        });

        var streams = Enumerable.Range(0, 200).Select(async i =>
        {
            var stream = await server.OpenStreamAsync("demo.localhost", CancellationToken.None);
            var payload = RandomNumberGenerator.GetBytes(1000 + (i * 37));
            await stream.WriteAsync(payload);
            stream.CompleteWrites();
            using var received = new MemoryStream();
            await stream.CopyToAsync(received);
            return payload.AsSpan().SequenceEqual(received.ToArray());
        });

        Assert.All(await Task.WhenAll(streams).WaitAsync(Limit), Assert.True);
        await server.DisposeAsync();
        await agent.DisposeAsync();
        await echo.WaitAsync(Limit);
    }

    [Fact]
    public async Task Half_close_ends_one_direction_only()
    {
        var (server, agent) = MuxPair.Create();
        var (s, a) = await OpenAsync(server, agent);

        s.CompleteWrites();
        Assert.Equal(0, await a.ReadAsync(new byte[8]).AsTask().WaitAsync(Limit));
        Assert.Equal(MuxStreamState.HalfClosedRemote, a.State);

        await a.WriteAsync("still here"u8.ToArray());
        a.CompleteWrites();
        using var received = new MemoryStream();
        await s.CopyToAsync(received).WaitAsync(Limit);
        Assert.Equal("still here"u8.ToArray(), received.ToArray());
        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task Reset_reaches_the_peer_with_its_code_and_reason()
    {
        var (server, agent) = MuxPair.Create();
        var (s, a) = await OpenAsync(server, agent);

        a.Reset(ProtocolErrorCode.LocalUnreachable, "localhost:3000 (connection refused)");
        var ex = await Assert.ThrowsAsync<MuxStreamException>(() => s.ReadAsync(new byte[8]).AsTask().WaitAsync(Limit));

        Assert.Equal(ProtocolErrorCode.LocalUnreachable, ex.Code);
        Assert.Equal("localhost:3000 (connection refused)", ex.Reason);
        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task Every_read_after_a_local_reset_fails()
    {
        var (server, agent) = MuxPair.Create();
        var (s, _) = await OpenAsync(server, agent);

        s.Reset(ProtocolErrorCode.Cancel, "done");
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<MuxStreamException>(() => s.ReadAsync(new byte[8]).AsTask().WaitAsync(Limit));
        }

        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task Opening_a_stream_for_a_host_open_cannot_carry_is_refused()
    {
        var (server, agent) = MuxPair.Create();
        await Assert.ThrowsAsync<ArgumentException>(() => server.OpenStreamAsync("bad host", CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => server.OpenStreamAsync(new string('a', 300), CancellationToken.None).AsTask());
        Assert.False(server.Completion.IsCompleted);
        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task Opening_a_stream_on_a_closed_channel_throws_a_stream_error()
    {
        var (server, agent) = MuxPair.Create();
        await agent.DisposeAsync();
        await server.Completion.WaitAsync(Limit);

        await Assert.ThrowsAsync<MuxStreamException>(() => server.OpenStreamAsync("demo.localhost", CancellationToken.None).AsTask());
        Assert.Equal(0, server.ActiveStreamCount);
    }

    [Fact]
    public async Task Disposing_before_the_peer_finished_cancels_the_stream()
    {
        var (server, agent) = MuxPair.Create();
        var (s, a) = await OpenAsync(server, agent);

        await s.DisposeAsync();
        var ex = await Assert.ThrowsAsync<MuxStreamException>(() => a.ReadAsync(new byte[8]).AsTask().WaitAsync(Limit));
        Assert.Equal(ProtocolErrorCode.Cancel, ex.Code);
        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task A_reader_that_stops_reading_stops_the_writer()
    {
        var (server, agent) = MuxPair.Create();
        var (s, a) = await OpenAsync(server, agent);
        long accepted = 0;
        var held = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var chunk = new byte[16 * 1024];
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 1024; i++)
            {
                var write = s.WriteAsync(chunk);
                if (!write.IsCompleted)
                {
                    held.TrySetResult(Interlocked.Read(ref accepted));
                }

                await write;
                Interlocked.Add(ref accepted, chunk.Length);
            }

            s.CompleteWrites();
        });

        // Nobody reads: the writer must park once the stream window and its send buffer are full. A write that does
        // not complete at once is held by the full send buffer, and with the window spent nothing drains it.
        var before = await held.Task.WaitAsync(Limit);

        Assert.False(writer.IsCompleted);
        Assert.True(before < 1024 * 1024, $"the writer got {before} bytes out to a reader that read nothing");

        using var received = new MemoryStream();
        await a.CopyToAsync(received).WaitAsync(Limit);
        await writer.WaitAsync(Limit);
        Assert.Equal(16L * 1024 * 1024, received.Length);
        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task Sixty_four_MiB_arrive_intact()
    {
        var (server, agent) = MuxPair.Create();
        var (s, a) = await OpenAsync(server, agent);
        var data = RandomNumberGenerator.GetBytes(64 * 1024 * 1024);
        var writer = Task.Run(async () =>
        {
            for (var offset = 0; offset < data.Length; offset += 100_000)
            {
                await s.WriteAsync(data.AsMemory(offset, Math.Min(100_000, data.Length - offset)));
            }

            s.CompleteWrites();
        });

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[70_000];
        int read;
        while ((read = await a.ReadAsync(buffer).AsTask().WaitAsync(Limit)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        await writer;
        Assert.Equal(SHA256.HashData(data), hash.GetHashAndReset());
        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task GoAway_lets_open_streams_finish_and_refuses_new_ones()
    {
        var (server, agent) = MuxPair.Create();
        var (s, a) = await OpenAsync(server, agent);
        var goingAway = server.CloseGracefullyAsync("maintenance", TimeSpan.FromSeconds(10));

        var refused = await Assert.ThrowsAsync<MuxStreamException>(() => server.OpenStreamAsync("demo.localhost", CancellationToken.None).AsTask());
        Assert.Equal(ProtocolErrorCode.RefusedStream, refused.Code);

        await a.WriteAsync("last words"u8.ToArray());
        a.CompleteWrites();
        using var received = new MemoryStream();
        await s.CopyToAsync(received).WaitAsync(Limit);
        s.CompleteWrites();
        Assert.Equal("last words"u8.ToArray(), received.ToArray());

        var reason = await goingAway.WaitAsync(Limit);
        Assert.Equal(ProtocolErrorCode.NoError, reason.Code);
        Assert.Equal(ProtocolErrorCode.NoError, (await agent.Completion.WaitAsync(Limit)).Code);
    }

    [Fact]
    public async Task Stream_held_back_by_an_exhausted_channel_window_sends_once_credit_returns()
    {
        // Both sides keep the protocol's initial 64 KiB channel window, so one unread stream can use all of it.
        var (server, agent) = MuxPair.Create(new MuxOptions { ConnectionWindowSize = 64 * 1024 });
        var (bulkServer, bulkAgent) = await OpenAsync(server, agent, "bulk.localhost");
        var (smallServer, smallAgent) = await OpenAsync(server, agent, "small.localhost");
        var bulk = RandomNumberGenerator.GetBytes(200 * 1024);
        var writingBulk = bulkServer.WriteAsync(bulk).AsTask();

        // The small stream has data and its own full window, but no channel credit is left.
        await smallServer.WriteAsync("small response"u8.ToArray());
        smallServer.CompleteWrites();
        await OpenAsync(server, agent, "barrier.localhost");

        // Credit comes back as the bulk stream is read; the small stream must then go out (it used to stall forever).
        var bulkRead = Task.Run(async () =>
        {
            var buffer = new byte[bulk.Length];
            await bulkAgent.ReadExactlyAsync(buffer);
            return buffer;
        });
        using var small = new MemoryStream();
        await smallAgent.CopyToAsync(small).WaitAsync(Limit);
        Assert.Equal("small response"u8.ToArray(), small.ToArray());
        Assert.Equal(bulk, await bulkRead.WaitAsync(Limit));
        await writingBulk.WaitAsync(Limit);
        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task Healthy_channel_survives_many_keepalive_intervals()
    {
        var time = new WatchedFakeTimeProvider();
        var interval = TimeSpan.FromSeconds(15);
        var (server, agent) = MuxPair.Create(new MuxOptions { KeepAliveInterval = interval }, time, start: false);
        var answered = new ChangeSignal();
        var (serverAnswers, agentAnswers) = (0, 0);
        server.PingAcknowledged += () =>
        {
            Interlocked.Increment(ref serverAnswers);
            answered.Pulse();
        };
        agent.PingAcknowledged += () =>
        {
            Interlocked.Increment(ref agentAnswers);
            answered.Pulse();
        };

        // Each side PINGs once as it starts (to measure the round trip); once both are answered, nothing is in flight.
        server.Start();
        agent.Start();
        await answered.WaitUntilAsync(() => Volatile.Read(ref serverAnswers) > 0 && Volatile.Read(ref agentAnswers) > 0, Limit, () => "the first PINGs were not answered");

        // Each step: both keepalive loops wait on the clock, an interval passes, each side PINGs (its last one was
        // answered) and the other answers. Nothing but those PINGs keeps the channel alive for ten intervals.
        for (var i = 0; i < 10; i++)
        {
            await time.WaitForArmedTimersAsync(interval, 2).WaitAsync(Limit);
            var (serverBefore, agentBefore) = (Volatile.Read(ref serverAnswers), Volatile.Read(ref agentAnswers));
            time.Advance(interval);
            await answered.WaitUntilAsync(
                () => Volatile.Read(ref serverAnswers) > serverBefore && Volatile.Read(ref agentAnswers) > agentBefore,
                Limit,
                () => $"step {i}: server PINGs answered {serverAnswers - serverBefore}, agent PINGs answered {agentAnswers - agentBefore}");
        }

        Assert.False(server.Completion.IsCompleted);
        Assert.False(agent.Completion.IsCompleted);
        await server.DisposeAsync();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task Silent_peer_is_declared_dead_after_three_intervals()
    {
        var time = new WatchedFakeTimeProvider();
        var interval = TimeSpan.FromSeconds(15);
        var (real, _) = MuxPair.CreateServerWithRawPeer(new MuxOptions { KeepAliveInterval = interval }, time);
        var stream = real.OpenStreamAsync("demo.localhost", CancellationToken.None);

        // Each step waits until the keepalive loop is waiting on the clock again; the third silent interval ends it.
        for (var i = 0; i < 3; i++)
        {
            await time.WaitForArmedTimersAsync(interval, 1).WaitAsync(Limit);
            time.Advance(interval);
        }

        var reason = await real.Completion.WaitAsync(Limit);
        Assert.Equal(ProtocolErrorCode.KeepaliveTimeout, reason.Code);
        await Assert.ThrowsAsync<MuxStreamException>(() => stream.AsTask().WaitAsync(Limit));
    }
}
