using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Burrow.Agent.Inspection.Capture;
using Burrow.Testing;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>What the inspector captures of real requests through a real server, agent and local server.</summary>
public sealed class CaptureTests : IAsyncLifetime
{
    private InspectorRig _rig = null!;

    public async Task InitializeAsync() => _rig = await InspectorRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Every_field_of_an_exchange_is_captured()
    {
        var before = DateTimeOffset.UtcNow;
        using var request = new HttpRequestMessage(HttpMethod.Post, _rig.Public("/echo?q=1&r=two"))
        {
            Content = new StringContent("{\"a\":1,\"b\":[true,null]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Custom", "custom value");
        using var response = await _rig.Host.PublicClient.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        var exchange = await _rig.WaitForAsync(e => e.Path == "/echo?q=1&r=two");
        var detail = await _rig.DetailAsync(exchange.Id);
        Assert.Equal("POST", detail.Str("method"));
        Assert.Equal("/echo?q=1&r=two", detail.Str("path"));
        Assert.Equal(200, detail.GetProperty("status").GetInt32());
        Assert.Equal("complete", detail.Str("state"));
        Assert.Equal("inspect", detail.Str("tunnel"));
        Assert.Equal("127.0.0.1", detail.Str("clientAddress"));
        Assert.Equal($"http://inspect.localhost:{_rig.Host.Server.HttpPort}/echo?q=1&r=two", detail.Str("url"));
        Assert.InRange(detail.GetProperty("startedAt").GetDateTimeOffset(), before.AddSeconds(-1), DateTimeOffset.UtcNow);
        var duration = detail.GetProperty("durationMs").GetDouble();
        var firstByte = detail.GetProperty("timeToFirstByteMs").GetDouble();
        Assert.True(duration > 0 && firstByte > 0 && firstByte <= duration, $"duration {duration}, first byte {firstByte}");

        var sent = detail.GetProperty("request");
        Assert.Equal("POST /echo?q=1&r=two HTTP/1.1", sent.Str("startLine"));
        Assert.Equal("custom value", sent.Header("X-Custom"));
        Assert.Equal("127.0.0.1", sent.Header("X-Forwarded-For"));
        var sentBody = sent.GetProperty("body");
        Assert.Equal("json", sentBody.Str("kind"));
        Assert.Equal(23, sentBody.GetProperty("size").GetInt64());
        Assert.Equal("{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ]\n}", sentBody.Str("text"));
        Assert.StartsWith("POST /echo?q=1&r=two HTTP/1.1\r\n", sent.Str("rawHead"), StringComparison.Ordinal);

        var received = detail.GetProperty("response");
        Assert.Equal("1", received.Header("X-Echo"));
        Assert.StartsWith("HTTP/1.1 200", received.Str("startLine"), StringComparison.Ordinal);
        var receivedBody = received.GetProperty("body");
        Assert.Equal("text", receivedBody.Str("kind"));
        Assert.Contains("x-custom: custom value", receivedBody.Str("text"), StringComparison.Ordinal);
        Assert.EndsWith("{\"a\":1,\"b\":[true,null]}", receivedBody.Str("text"), StringComparison.Ordinal);
        Assert.False(receivedBody.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Chunked_request_body_is_captured_without_its_framing()
    {
        var payload = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i}\n"));
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(payload)));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var request = new HttpRequestMessage(HttpMethod.Put, _rig.Public("/echo?chunked")) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _rig.Host.PublicClient.SendAsync(request);
        Assert.EndsWith(payload, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var detail = await _rig.DetailAsync((await _rig.WaitForAsync(e => e.Path == "/echo?chunked")).Id);
        var sent = detail.GetProperty("request");
        Assert.Equal("chunked", sent.Header("Transfer-Encoding"));
        Assert.Equal(payload, sent.GetProperty("body").Str("text"));
        Assert.Equal(Encoding.UTF8.GetByteCount(payload), sent.GetProperty("body").GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Gzip_bodies_are_decoded_for_display_both_ways()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("{\"zipped\":\"request\"}"u8);
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var upload = await _rig.Host.PublicClient.PostAsync(_rig.Public("/echo?gzip"), content);
        using var download = await _rig.Host.PublicClient.GetAsync(_rig.Public("/gzip?text=hello"));
        Assert.Equal("gzip", download.Content.Headers.ContentEncoding.Single());

        var sent = (await _rig.DetailAsync((await _rig.WaitForAsync(e => e.Path == "/echo?gzip")).Id)).GetProperty("request").GetProperty("body");
        Assert.True(sent.GetProperty("decoded").GetBoolean());
        Assert.Equal("gzip", sent.Str("contentEncoding"));
        Assert.Equal(compressed.Length, sent.GetProperty("size").GetInt64());
        Assert.Equal("{\n  \"zipped\": \"request\"\n}", sent.Str("text"));

        var received = (await _rig.DetailAsync((await _rig.WaitForAsync(e => e.Path == "/gzip?text=hello")).Id)).GetProperty("response").GetProperty("body");
        Assert.True(received.GetProperty("decoded").GetBoolean());
        Assert.Equal("{\n  \"text\": \"hello\",\n  \"list\": [\n    1,\n    2,\n    3\n  ]\n}", received.Str("text"));
    }

    [Fact]
    public async Task Five_MiB_bodies_are_truncated_at_the_body_limit_and_still_forwarded_whole()
    {
        const int size = 5 * 1024 * 1024;
        var body = new byte[size];
        LocalTestServer.Fill(body, 0);
        using var content = new ByteArrayContent(body);
        using var upload = await _rig.Host.PublicClient.PostAsync(_rig.Public("/upload"), content);
        var expected = $"{size} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))}";
        Assert.Equal(expected, await upload.Content.ReadAsStringAsync());
        var downloaded = await _rig.Host.PublicClient.GetByteArrayAsync(_rig.Public($"/download?size={size}"));
        Assert.Equal(body, downloaded);

        var sent = (await _rig.DetailAsync((await _rig.WaitForAsync(e => e.Path == "/upload")).Id)).GetProperty("request").GetProperty("body");
        Assert.Equal(size, sent.GetProperty("size").GetInt64());
        Assert.Equal(1024 * 1024, sent.GetProperty("captured").GetInt64());
        Assert.True(sent.GetProperty("truncated").GetBoolean());

        var fetched = await _rig.Api.GetByteArrayAsync(new Uri($"/api/requests/{(await _rig.WaitForAsync(e => e.Path.StartsWith("/download", StringComparison.Ordinal))).Id}/response/body", UriKind.Relative));
        Assert.Equal(body.AsSpan(0, 1024 * 1024).ToArray(), fetched);
    }

    [Fact]
    public async Task Keep_alive_connection_with_100_requests_captures_each_in_order()
    {
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            UseProxy = false,
            ConnectCallback = async (_, token) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, _rig.Host.Server.HttpPort, token);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        });
        var opened = _rig.Agent.Observer.ConnectionsOpened;
        for (var i = 0; i < 100; i++)
        {
            using var content = new StringContent($"body {i}");
            using var response = await client.PostAsync(_rig.Public($"/echo?n={i}"), content);
            Assert.EndsWith($"body {i}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await _rig.WaitForAsync(e => e.Path == "/echo?n=99");
        var captured = _rig.Store.Snapshot().Where(e => e.Path.StartsWith("/echo?n=", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"/echo?n={i}"), captured.Select(e => e.Path));
        Assert.All(captured, e => Assert.Equal((ExchangeState.Complete, 200), (e.State, e.Status)));

        // The edge keeps its connection to the tunnel alive: all of them went over one local connection.
        Assert.Equal(opened + 1, _rig.Agent.Observer.ConnectionsOpened);
        var last = await _rig.DetailAsync(captured[^1].Id);
        Assert.Equal("body 99", last.GetProperty("request").GetProperty("body").Str("text"));
    }

    [Fact]
    public async Task WebSocket_session_is_one_entry_with_its_message_counts()
    {
        using var socket = new ClientWebSocket();
        using var invoker = _rig.Host.CreatePublicInvoker();
        await socket.ConnectAsync(new Uri($"ws://inspect.localhost:{_rig.Host.Server.HttpPort}/ws"), invoker, CancellationToken.None);
        var buffer = new byte[1024];
        foreach (var text in new[] { "one", "two", "three" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        var open = await _rig.GetJsonAsync("/api/requests?summary=1&path=/ws");
        var entry = Assert.Single(open.GetProperty("requests").EnumerateArray());
        Assert.Equal((101, "upgraded"), (entry.GetProperty("status").GetInt32(), entry.Str("state")));

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        var closed = await _rig.WaitForAsync(e => e.Path == "/ws");
        Assert.Equal(101, closed.Status);
        var upgrade = (await _rig.DetailAsync(closed.Id)).GetProperty("upgrade");
        Assert.Equal("websocket", upgrade.Str("protocol"));
        Assert.Equal(3, upgrade.GetProperty("messagesIn").GetInt64());
        Assert.Equal(3, upgrade.GetProperty("messagesOut").GetInt64());
        Assert.True(upgrade.GetProperty("bytesIn").GetInt64() > 3 * 6, "client frames are masked: 6 bytes of header each at least");
        Assert.Single(_rig.Store.Snapshot(), e => e.Path == "/ws");
    }
}
