using Burrow.Testing;

namespace Burrow.Server.Tests.Observability;

/// <summary>
/// Tunnel labels in /metrics are bounded (TelemetryOptions.MetricsTunnelLimit): past the limit, tunnels are counted
/// together under tunnel="other", so random names cannot grow the number of series without end.
/// </summary>
public sealed class TunnelLabelLimitTests
{
    [Fact]
    public async Task Tunnels_past_the_label_limit_are_counted_under_other()
    {
        await using var scenario = await TunnelScenario.StartAsync("first", server => server.Telemetry(t => t.MetricsTunnelLimit = 2));
        await using var second = await scenario.StartAgentAsync("second");
        await using var third = await scenario.StartAgentAsync("third");
        await using var fourth = await scenario.StartAgentAsync("fourth");
        var client = scenario.PublicClient;
        foreach (var (name, count) in new[] { ("first", 3), ("second", 2), ("third", 4), ("fourth", 1), ("first", 1) })
        {
            for (var i = 0; i < count; i++)
            {
                Assert.Equal($"answer {i}", await client.GetStringAsync(scenario.Host.PublicUri(name, $"/id/{i}")));
            }
        }

        using var admin = new HttpClient();
        var scrape = await PrometheusText.ScrapeAsync(admin, new Uri(scenario.Host.Server.AdminUrl!, "/metrics"));
        Assert.Equal(4, scrape.Value("burrow_requests_total", ("tunnel", "first"), ("code", "2xx")));
        Assert.Equal(2, scrape.Value("burrow_requests_total", ("tunnel", "second"), ("code", "2xx")));
        Assert.Equal(5, scrape.Value("burrow_requests_total", ("tunnel", "other"), ("code", "2xx")));
        Assert.Empty(scrape.Find("burrow_requests_total", ("tunnel", "third")));
        Assert.Empty(scrape.Find("burrow_requests_total", ("tunnel", "fourth")));
        Assert.Equal(5, scrape.Value("burrow_request_duration_seconds_count", ("tunnel", "other")));
        Assert.Equal(["first", "other", "second"], scrape.Find("burrow_transferred_bytes_total", ("direction", "out")).Select(s => s.Labels["tunnel"]).Order());
        Assert.Equal(4, scrape.Value("burrow_tunnels_online"));
    }
}
