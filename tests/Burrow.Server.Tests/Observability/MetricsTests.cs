using System.Net;
using System.Net.WebSockets;
using Burrow.Testing;

namespace Burrow.Server.Tests.Observability;

/// <summary>Known traffic through a real tunnel, then /metrics on the admin listener scraped and parsed.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private TunnelScenario _scenario = null!;

    public async Task InitializeAsync() => _scenario = await TunnelScenario.StartAsync("metered");

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    private Uri MetricsUri => new(_scenario.Host.Server.AdminUrl!, "/metrics");

    [Fact]
    public async Task Requests_statuses_durations_and_bytes_of_known_traffic_are_counted_per_tunnel()
    {
        var client = _scenario.PublicClient;
        for (var i = 0; i < 6; i++)
        {
            using var ok = await client.GetAsync(_scenario.PublicUri("/download?size=1000"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(1000, (await ok.Content.ReadAsByteArrayAsync()).Length);
        }

        for (var i = 0; i < 3; i++)
        {
            using var missing = await client.GetAsync(_scenario.PublicUri("/status/404"));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using var failing = await client.GetAsync(_scenario.PublicUri("/status/503"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        var upload = new byte[5000];
        using (var content = new ByteArrayContent(upload))
        using (var posted = await client.PostAsync(_scenario.PublicUri("/upload"), content))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        using var unknown = await client.GetAsync(_scenario.Host.PublicUri("nobody"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var admin = new HttpClient();
        var scrape = await PrometheusText.ScrapeAsync(admin, MetricsUri);
        var tunnel = ("tunnel", "metered");
        Assert.Equal("counter", scrape.Types["burrow_requests_total"]);
        Assert.Equal(7, scrape.Value("burrow_requests_total", tunnel, ("code", "2xx")));
        Assert.Equal(3, scrape.Value("burrow_requests_total", tunnel, ("code", "4xx")));
        Assert.Equal(1, scrape.Value("burrow_requests_total", tunnel, ("code", "5xx")));
        Assert.Empty(scrape.Find("burrow_requests_total", ("tunnel", "nobody")));
        Assert.Equal(1, scrape.Value("burrow_refused_total", ("reason", "unknown_tunnel")));

        // The histogram: 11 requests, buckets cumulative and ending at +Inf with all of them.
        Assert.Equal("histogram", scrape.Types["burrow_request_duration_seconds"]);
        Assert.Equal(11, scrape.Value("burrow_request_duration_seconds_count", tunnel));
        var buckets = scrape.Find("burrow_request_duration_seconds_bucket", tunnel)
            .Select(s => (Le: s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], System.Globalization.CultureInfo.InvariantCulture), s.Value))
            .OrderBy(b => b.Le)
            .ToList();
        Assert.Equal([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, double.PositiveInfinity], buckets.Select(b => b.Le));
        Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First.Value <= p.Second.Value), "buckets are cumulative");
        Assert.Equal(11, buckets[^1].Value);
        Assert.Equal(11, buckets.Single(b => b.Le == 60).Value);
        var sum = scrape.Value("burrow_request_duration_seconds_sum", tunnel);
        Assert.InRange(sum, 0.000_001, 60);

        // Bodies: 6 x 1000 downloaded, "status 404" x3 and "status 503" (10 bytes each), the upload's answer; 5000 up.
        Assert.Equal(5000, scrape.Value("burrow_transferred_bytes_total", tunnel, ("direction", "in")));
        var uploadAnswer = $"5000 {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(upload))}".Length;
        Assert.Equal(6000 + 40 + uploadAnswer, scrape.Value("burrow_transferred_bytes_total", tunnel, ("direction", "out")));

        // The channel and its registration.
        Assert.Equal(1, scrape.Value("burrow_tunnels_online"));
        Assert.Equal(1, scrape.Value("burrow_channels_online"));
        Assert.Equal(1, scrape.Value("burrow_registrations_total", ("result", "ok")));
        Assert.Equal(1, scrape.Value("burrow_handshakes_total", ("result", "ok")));
        Assert.True(scrape.Value("burrow_channel_rtt_seconds", tunnel) > 0);
        Assert.Equal(0, scrape.Value("burrow_streams_active") % 1);
        Assert.True(scrape.Value("burrow_memory_budget_limit_bytes") > 0);
        Assert.NotNull(scrape.ValueOrNull("burrow_flow_control_stalls_total"));

        // The runtime's own meter comes along (GC, heap, CPU time, working set).
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WebSocket_messages_count_as_bytes_in_and_out_of_their_tunnel()
    {
        using var socket = new ClientWebSocket();
        using (var invoker = _scenario.Host.CreatePublicInvoker())
        {
            await socket.ConnectAsync(new UriBuilder(_scenario.PublicUri("/ws")) { Scheme = "ws" }.Uri, invoker, CancellationToken.None);
        }

        var message = new byte[1000];
        var echo = new byte[2000];
        for (var i = 0; i < 100; i++)
        {
            await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            var received = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(echo.AsMemory(received), CancellationToken.None);
                received += result.Count;
            }
            while (!result.EndOfMessage);
            Assert.Equal(1000, received);
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        // 100 KB each way, plus each frame's few bytes of header (and the client's mask); the handshake is not a body.
        // Bytes are counted before they are passed on, so every echo received was counted already.
        using var admin = new HttpClient();
        var tunnel = ("tunnel", "metered");
        var scrape = await PrometheusText.ScrapeAsync(admin, MetricsUri);
        Assert.InRange(scrape.Value("burrow_transferred_bytes_total", tunnel, ("direction", "in")), 100_000, 101_000);
        Assert.InRange(scrape.Value("burrow_transferred_bytes_total", tunnel, ("direction", "out")), 100_000, 101_000);
    }
}
