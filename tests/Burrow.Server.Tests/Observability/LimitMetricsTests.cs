using System.Net;
using System.Net.Sockets;
using Burrow.Testing;

namespace Burrow.Server.Tests.Observability;

/// <summary>The tenant-safety limits show in /metrics when they turn visitors away (issue #10's budgets and caps).</summary>
public sealed class LimitMetricsTests
{
    [Fact]
    public async Task Requests_refused_by_a_users_cap_are_counted_by_reason()
    {
        await using var scenario = await TunnelScenario.StartAsync("busy", s => s.Limits(o => o.MaxRequestsPerUser = 1));

        // One long request holds the user's only slot; the next request is refused with 503.
        using var stream = await scenario.PublicClient.GetAsync(scenario.PublicUri("/sse?count=600&delayMs=100"), HttpCompletionOption.ResponseHeadersRead);
        using (var refused = await scenario.PublicClient.GetAsync(scenario.PublicUri("/id/2")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        var scrape = await ScrapeAsync(scenario);
        Assert.Equal(1, scrape.Value("burrow_refused_total", ("reason", "user_requests")));
        Assert.True(scrape.Value("burrow_memory_budget_limit_bytes") > 0);
        Assert.Equal(0, scrape.Value("burrow_memory_budget_used_bytes") % 1);
    }

    [Fact]
    public async Task Connections_past_a_client_networks_cap_are_counted_as_rate_limited()
    {
        await using var scenario = await TunnelScenario.StartAsync("capped", s => s.Limits(o => o.MaxConnectionsPerClient = 2));
        using var first = await RawPublicConnection.ConnectAsync(scenario);
        using var second = await RawPublicConnection.ConnectAsync(scenario);
        Assert.True(await RawPublicConnection.IsRefusedAsync(scenario, "capped.localhost"));
        var before = (await ScrapeAsync(scenario)).Value("burrow_rate_limited_total", ("limit", "public_connections_per_network"));
        Assert.True(before >= 1, "the third connection was refused and counted");

        // (The agent's registration connection may hold a slot too: count the next refusal exactly.)
        Assert.True(await RawPublicConnection.IsRefusedAsync(scenario, "capped.localhost"));
        var after = (await ScrapeAsync(scenario)).Value("burrow_rate_limited_total", ("limit", "public_connections_per_network"));
        Assert.Equal(before + 1, after);
    }

    private static async Task<PrometheusText> ScrapeAsync(TunnelScenario scenario)
    {
        using var admin = new HttpClient();
        return await PrometheusText.ScrapeAsync(admin, new Uri(scenario.Host.Server.AdminUrl!, "/metrics"));
    }
}
