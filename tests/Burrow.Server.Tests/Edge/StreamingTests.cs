using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Burrow.Testing;
using Xunit.Abstractions;

namespace Burrow.Server.Tests.Edge;

/// <summary>Bodies in pieces, Server-Sent Events, WebSockets, backpressure and fairness through one tunnel.</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private TunnelTestHost _host = null!;
    private LocalTestServer _local = null!;

    public StreamingTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync()
    {
        _host = await TunnelTestHost.StartAsync();
        _local = await LocalTestServer.StartAsync();
        var (user, token) = _host.CreateUser("alice");
        await _host.StartAgentAsync(user, token, "stream", _local.Port);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _local.DisposeAsync();
    }

    [Fact]
    public async Task Server_sent_events_arrive_one_by_one_as_they_are_flushed()
    {
        using var response = await _host.PublicClient.GetAsync(_host.PublicUri("stream", "/sse?count=3&delayMs=1000"), HttpCompletionOption.ResponseHeadersRead);
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
        using var response = await _host.PublicClient.GetAsync(_host.PublicUri("stream", $"/slow-write?size={size}"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        await body.ReadAtLeastAsync(buffer, buffer.Length);

        // Stop reading. The local server's writes must stall once every buffer on the way is full.
        long before;
        var after = _local.SlowWriteProgress;
        var deadline = Stopwatch.StartNew();
        do
        {
            before = after;
            await Task.Delay(500);
            after = _local.SlowWriteProgress;
        }
        while (after != before && deadline.Elapsed < TimeSpan.FromSeconds(20));

        _output.WriteLine($"local server stalled after writing {after / (1024 * 1024.0):0.0} MiB of {size / (1024 * 1024)} MiB");
        Assert.Equal(before, after);
        Assert.True(after < 96L * 1024 * 1024, $"the path buffered {after} bytes for a client that stopped reading");
    }

    [Fact]
    public async Task Small_requests_complete_while_a_large_download_runs()
    {
        const long size = 1024L * 1024 * 1024;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var download = Task.Run(async () =>
        {
            using var response = await _host.PublicClient.GetAsync(_host.PublicUri("stream", $"/download?size={size}"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[256 * 1024];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cts.Token)) > 0)
            {
                total += read;
            }

            return total;
        });

        await Task.Delay(300);
        var latencies = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var clock = Stopwatch.StartNew();
            var answer = await _host.PublicClient.GetStringAsync(_host.PublicUri("stream", $"/id/{i}"), cts.Token);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal($"answer {i}", answer);
        }

        var downloadStillRunning = !download.IsCompleted;
        Assert.Equal(size, await download);
        latencies.Sort();
        _output.WriteLine($"100 small requests beside a 1 GiB download (still running at the end: {downloadStillRunning}): p50 {latencies[49]:0.0} ms, p90 {latencies[89]:0.0} ms, max {latencies[99]:0.0} ms");
    }

    [Fact]
    public async Task One_GiB_download_and_upload_keep_memory_bounded()
    {
        const long size = 1024L * 1024 * 1024;
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(50);
            }
        });

        using (var response = await _host.PublicClient.GetAsync(_host.PublicUri("stream", $"/download?size={size}"), HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var expected = new byte[1024 * 1024];
            var actual = new byte[1024 * 1024];
            using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var reference = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (long offset = 0; offset < size; offset += actual.Length)
            {
                await body.ReadExactlyAsync(actual);
                LocalTestServer.Fill(expected, offset);
                received.AppendData(actual);
                reference.AppendData(expected);
            }

            Assert.Equal(0, await body.ReadAsync(actual));
            Assert.Equal(reference.GetHashAndReset(), received.GetHashAndReset());
        }

        using (var upload = new StreamContent(new GeneratedStream(size)))
        {
            using var response = await _host.PublicClient.PostAsync(_host.PublicUri("stream", "/upload"), upload);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal($"{size} {GeneratedStream.Sha256Hex(size)}", body);
        }

        await sampling.CancelAsync();
        await sampler;
        _output.WriteLine($"peak managed heap during 1 GiB each way: {peak / (1024 * 1024.0):0.0} MiB");
        Assert.True(peak < 256L * 1024 * 1024, $"managed heap peaked at {peak} bytes");
    }

    private async Task<ClientWebSocket> ConnectWebSocketAsync()
    {
        var socket = new ClientWebSocket();
        using var invoker = _host.CreatePublicInvoker();
        var uri = new UriBuilder(_host.PublicUri("stream", "/ws")) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(uri, invoker, CancellationToken.None);
        return socket;
    }
}
