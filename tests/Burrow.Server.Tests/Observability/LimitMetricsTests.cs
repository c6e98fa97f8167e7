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
        // No agent, so that no registration connection holds one of the two slots.
        await using var scenario = await TunnelScenario.StartAsync("capped", s => s.Limits(o => o.MaxConnectionsPerClient = 2), startAgent: false);

        // Three at once: which one the server refuses is not known (it counts them as it dispatches them), only that
        // one is. All stay open until each was asked, so no slot frees up meanwhile.
        var refused = 0;
        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                try
                {
                    clients.Add(await RawPublicConnection.ConnectAsync(scenario));
                }
                catch (SocketException)
                {
                    refused++;
                }
            }

            foreach (var client in clients)
            {
                if (await RawPublicConnection.AnswersAsync(client, "capped.localhost") is false)
                {
                    refused++;
                }
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.Equal(1, refused);
        Assert.Equal(1, (await ScrapeAsync(scenario)).Value("burrow_rate_limited_total", ("limit", "public_connections_per_network")));
    }

    private static async Task<PrometheusText> ScrapeAsync(TunnelScenario scenario)
    {
        using var admin = new HttpClient();
        return await PrometheusText.ScrapeAsync(admin, new Uri(scenario.Host.Server.AdminUrl!, "/metrics"));
    }
}
