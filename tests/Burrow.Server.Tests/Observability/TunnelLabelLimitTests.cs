using Burrow.Server.Channels;
using Burrow.Testing;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task A_tunnel_that_went_offline_gives_its_label_to_the_next_one()
    {
        // One tenant cycling names used to hold every label for good: everyone after it was counted under "other".
        await using var scenario = await TunnelScenario.StartAsync("first", server => server.Telemetry(t => t.MetricsTunnelLimit = 2));
        var client = scenario.PublicClient;
        Assert.Equal("answer 0", await client.GetStringAsync(scenario.PublicUri("/id/0")));
        await using (var gone = await scenario.StartAgentAsync("gone"))
        {
            Assert.Equal("answer 1", await client.GetStringAsync(scenario.Host.PublicUri("gone", "/id/1")));
        }

        var registry = scenario.Host.Server.Services.GetRequiredService<TunnelRegistry>();
        await Poll.UntilAsync(() => !registry.IsServed("gone"), "the stopped agent's name leaves the registry");
        await using var next = await scenario.StartAgentAsync("next");
        Assert.Equal("answer 2", await client.GetStringAsync(scenario.Host.PublicUri("next", "/id/2")));

        using var admin = new HttpClient();
        var scrape = await PrometheusText.ScrapeAsync(admin, new Uri(scenario.Host.Server.AdminUrl!, "/metrics"));
        Assert.Equal(1, scrape.Value("burrow_requests_total", ("tunnel", "next"), ("code", "2xx")));
        Assert.Equal(1, scrape.Value("burrow_requests_total", ("tunnel", "first"), ("code", "2xx")));
        Assert.Empty(scrape.Find("burrow_requests_total", ("tunnel", "gone")));
        Assert.Empty(scrape.Find("burrow_requests_total", ("tunnel", "other")));
        Assert.All(scrape.Find("burrow_channel_rtt_seconds"), s => Assert.True(s.Labels["tunnel"] is "first" or "next" or "other", s.Labels["tunnel"]));
    }
}
