using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Burrow.Testing;
using Xunit.Abstractions;

namespace Burrow.Server.Tests.Edge;

/// <summary>Bodies in pieces, Server-Sent Events, WebSockets, backpressure and fairness through one tunnel (memory: <see cref="LargeTransferMemoryTests"/>).</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private TunnelScenario _scenario = null!;

    public StreamingTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _scenario = await TunnelScenario.StartAsync("stream");

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task Server_sent_events_arrive_one_by_one_as_they_are_flushed()
    {
        // The local server flushes an event, then waits a second on purpose, three times.
        using var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri("/sse?count=3&delayMs=1000"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var clock = Stopwatch.StartNew();
        var arrivals = new List<TimeSpan>();
        while (arrivals.Count < 3 && await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: event", StringComparison.Ordinal))
            {
                arrivals.Add(clock.Elapsed);
                _output.WriteLine($"{line} at {clock.ElapsedMilliseconds} ms");
            }
        }

        Assert.Equal(3, arrivals.Count);

        // Sent a second apart: had the tunnel buffered the body, all three would arrive together at the end.
        Assert.True(arrivals[2] - arrivals[0] > TimeSpan.FromSeconds(1.5), $"events arrived together: {string.Join(", ", arrivals)}");
    }

    [Fact]
    public async Task WebSocket_echoes_ten_thousand_messages_of_mixed_sizes()
    {
        using var socket = await ConnectWebSocketAsync();
        var random = new Random(42);
        var receive = new byte[2 * 1024 * 1024];
        for (var i = 0; i < 10_000; i++)
        {
            var size = i % 500 == 0 ? 1024 * 1024 : random.Next(1, 4096);
            var message = new byte[size];
            random.NextBytes(message);
            var type = i % 2 == 0 ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
            if (type == WebSocketMessageType.Text)
            {
                message = Encoding.UTF8.GetBytes(Convert.ToBase64String(message)[..size]);
            }

            await socket.SendAsync(message, type, endOfMessage: true, CancellationToken.None);
            var received = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(receive.AsMemory(received), CancellationToken.None);
                received += result.Count;
            }
            while (!result.EndOfMessage);

            Assert.Equal(type, result.MessageType);
            Assert.True(message.AsSpan().SequenceEqual(receive.AsSpan(0, received)), $"message {i} ({size} bytes) came back different");
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task WebSocket_close_from_the_local_server_reaches_the_client()
    {
        using var socket = await ConnectWebSocketAsync();
        await socket.SendAsync("close"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(new byte[64], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal("server closes", result.CloseStatusDescription);
    }

    [Fact]
    public async Task Slow_reading_client_makes_the_local_server_wait_instead_of_the_tunnel_buffering()
    {
        const long size = 512L * 1024 * 1024;
        var local = _scenario.Local;
        using var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri($"/slow-write?size={size}"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        await body.ReadAtLeastAsync(buffer, buffer.Length);

        // Stop reading. The local server's writes must stall once every buffer on the way is full.
        var stalledAt = await local.WaitForSlowWriteStallAsync(quiet: TimeSpan.FromSeconds(1), timeout: TimeSpan.FromSeconds(30));
        _output.WriteLine($"local server stalled after writing {stalledAt / (1024 * 1024.0):0.0} MiB of {size / (1024 * 1024)} MiB");
        Assert.True(stalledAt < 96L * 1024 * 1024, $"the path buffered {stalledAt} bytes for a client that stopped reading");

        // It was the client that held it: reading again lets the local server go on.
        var resumed = local.WaitForSlowWriteProgressAsync(stalledAt, TimeSpan.FromSeconds(30));
        for (long read = 0; !resumed.IsCompleted && read < 128L * 1024 * 1024;)
        {
            read += await body.ReadAsync(buffer);
        }

        await resumed;
    }

    [Fact]
    public async Task Small_requests_complete_while_a_large_download_runs()
    {
        const long size = 1024L * 1024 * 1024;
        const int lastPart = 1024 * 1024;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        long received = 0;
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var smallRequestsDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var download = Task.Run(async () =>
        {
            using var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri($"/download?size={size}"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[256 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - lastPart - received)), cts.Token)) > 0)
            {
                Interlocked.Add(ref received, read);
                flowing.TrySetResult();
            }

            // On a fast machine the whole gibibyte could outrun the small requests; the last mebibyte waits for
            // them, so the download is still running when they are done, whatever the speed.
            await smallRequestsDone.Task.WaitAsync(cts.Token);
            while ((read = await body.ReadAsync(buffer, cts.Token)) > 0)
            {
                Interlocked.Add(ref received, read);
            }

            return Interlocked.Read(ref received);
        });

        var first = await Task.WhenAny(flowing.Task, download);
        await first;
        var atStart = Interlocked.Read(ref received);
        var latencies = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var clock = Stopwatch.StartNew();
            var answer = await _scenario.PublicClient.GetStringAsync(_scenario.PublicUri($"/id/{i}"), cts.Token);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal($"answer {i}", answer);
        }

        var atEnd = Interlocked.Read(ref received);
        Assert.False(download.IsCompleted, $"the download ended ({download.Status}) before the small requests did");
        Assert.True(atEnd > atStart, $"the download made no progress while the small requests ran ({atStart} bytes before, {atEnd} after)");
        smallRequestsDone.SetResult();
        Assert.Equal(size, await download);
        latencies.Sort();
        _output.WriteLine($"100 small requests while a 1 GiB download ran from {atStart / (1024 * 1024)} MiB to {atEnd / (1024 * 1024)} MiB: p50 {latencies[49]:0.0} ms, p90 {latencies[89]:0.0} ms, max {latencies[99]:0.0} ms");
    }

    private async Task<ClientWebSocket> ConnectWebSocketAsync()
    {
        var socket = new ClientWebSocket();
        using var invoker = _scenario.Host.CreatePublicInvoker();
        var uri = new UriBuilder(_scenario.PublicUri("/ws")) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(uri, invoker, CancellationToken.None);
        return socket;
    }
}
