using System.Net;
using System.Net.Sockets;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Tests.Infrastructure;
using Burrow.Protocol.Transport;
using Burrow.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Burrow.Protocol.Tests.Mux;

/// <summary>
/// What a channel keeps once its traffic is over. A server holds one channel per agent, most of them idle: at 10,000
/// tunnels, a 64 KiB staging buffer the writer loop kept for the channel's life (and the reader's plaintext buffer, kept
/// the same way) were most of the server's memory per tunnel (bench/run.sh --scale: 77.7 KiB per tunnel, 23.8 without).
/// Both ends run on real loopback sockets and wait for data with zero-byte reads, as the server's end does, so an idle
/// transport holds no read buffer and what remains is the channel's own. Idle means after a keepalive round trip: a
/// socket keeps the last buffer it sent referenced until it sends again (dotnet-dump: 1,056 arrays of 64 KiB held
/// through Socket+AwaitableSocketAsyncEventArgs for 600 channel ends whose last send was data), and a PING's buffer
/// comes from the shared pool, like everyone's.
/// </summary>
[Collection(MemoryMeasurement.Name)]
public sealed class IdleChannelMemoryTests
{
    private const int Channels = 300;

    [Fact]
    public async Task A_channel_whose_traffic_is_over_holds_no_record_buffers()
    {
        // Warm-up: the same traffic through channels that are then closed, so the shared array pool already holds
        // what it keeps for the process before the measurement starts.
        foreach (var (server, agent) in await OpenAsync(Channels))
        {
            await server.DisposeAsync();
            await agent.DisposeAsync();
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var pairs = await OpenAsync(Channels);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        try
        {
            // Both ends of a pair together; a 64 KiB buffer held by either end alone would be 64 KiB here.
            var perChannel = (after - before) / Channels;
            Assert.True(perChannel < 32 * 1024, $"{perChannel / 1024.0:0.0} KiB retained per idle channel (both ends)");
        }
        finally
        {
            foreach (var (server, agent) in pairs)
            {
                await server.DisposeAsync();
                await agent.DisposeAsync();
            }
        }
    }

    /// <summary>Channels that each carried one stream of 32 KiB each way, both loops having run, now idle.</summary>
    private static async Task<List<(ServerMuxConnection Server, AgentMuxConnection Agent)>> OpenAsync(int count)
    {
        var pairs = new List<(ServerMuxConnection, AgentMuxConnection)>();
        var payload = new byte[32 * 1024];
        var received = new byte[payload.Length];
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(count);
        for (var i = 0; i < count; i++)
        {
            var agentSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await agentSocket.ConnectAsync(listener.LocalEndPoint!);
            var serverSocket = await listener.AcceptAsync();
            var (agentKeys, serverKeys) = MuxPair.Keys();
            var options = new MuxOptions { KeepAliveInterval = TimeSpan.FromSeconds(1), KeepAliveMissedIntervals = 60 };
            var server = new ServerMuxConnection(new SocketTransport(serverSocket, waitForData: true), serverKeys, options, NullLogger.Instance);
            var agent = new AgentMuxConnection(new SocketTransport(agentSocket, waitForData: true), agentKeys, options, NullLogger.Instance);
            server.Start();
            agent.Start();
            pairs.Add((server, agent));
            var opening = server.OpenStreamAsync("demo.localhost", CancellationToken.None).AsTask();
            await using var accepted = (await agent.AcceptStreamAsync(CancellationToken.None))!;
            accepted.Accept();
            await using var opened = await opening;

            await opened.WriteAsync(payload);
            opened.CompleteWrites();
            await accepted.ReadExactlyAsync(received);
            await accepted.WriteAsync(payload);
            accepted.CompleteWrites();
            await opened.ReadExactlyAsync(received);
            Assert.Equal(0, await opened.ReadAsync(received));
            Assert.Equal(0, await accepted.ReadAsync(received));

            // As the agent does: wait for the next stream at once (a finished accept left waiting would keep its
            // stream reachable through the channel's cached read operation).
            _ = agent.AcceptStreamAsync(CancellationToken.None).AsTask();
        }

        foreach (var (server, agent) in pairs)
        {
            await Poll.UntilAsync(() => server.ActiveStreamCount == 0 && agent.ActiveStreamCount == 0, "the streams to close");
        }

        // Idle as a real channel is: its last sends are keepalive PINGs and their answers, two round trips each way
        // after the traffic (a socket holds on to the last buffer it sent until it sends again).
        await Task.WhenAll(pairs.SelectMany(p => new[] { PingsAnsweredAsync(p.Item1, 2), PingsAnsweredAsync(p.Item2, 2) }));
        return pairs;
    }

    private static Task PingsAnsweredAsync(MuxConnection connection, int count)
    {
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = 0;
        void OnAnswer()
        {
            if (Interlocked.Increment(ref seen) == count)
            {
                connection.PingAcknowledged -= OnAnswer;
                answered.TrySetResult();
            }
        }

        connection.PingAcknowledged += OnAnswer;
        return answered.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
