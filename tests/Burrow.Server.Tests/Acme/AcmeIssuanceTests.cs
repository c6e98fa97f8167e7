using System.Net;
using Burrow.Agent;
using Burrow.Server.Acme;
using Burrow.Server.Tests.Acme.Infrastructure;
using Burrow.Testing;

namespace Burrow.Server.Tests.Acme;

/// <summary>Certificates from a real pebble for a real server: base domain through HTTP-01 and TLS-ALPN-01, then per name on demand.</summary>
public sealed class AcmeIssuanceTests
{
    [Fact]
    public async Task Base_domain_certificate_is_issued_through_http01_and_served_with_its_chain()
    {
        await using var bed = await AcmeTestBed.StartAsync();

        await bed.WaitForIssuedAsync(AcmeTestBed.Domain);

        using var root = await bed.Pebble.RootAsync();
        using var client = bed.HttpsClient(root);
        using var response = await client.GetAsync(new Uri($"https://{AcmeTestBed.Domain}:{bed.HttpsPort}/api/health"));
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
        Assert.True(bed.Host.Logs.Contains(AcmeLogEventIds.ChallengeServed, "http-01 challenge for burrow.test"));
        Assert.True(bed.Host.Logs.Contains(AcmeLogEventIds.AccountReady, "created"));

        // /metrics: the order, and the time the served certificate has left.
        using var admin = new HttpClient();
        var scrape = await PrometheusText.ScrapeAsync(admin, new Uri(bed.Host.Server.AdminUrl!, "/metrics"));
        Assert.Equal(1, scrape.Value("burrow_acme_orders_total", ("result", "issued")));
        Assert.InRange(scrape.Value("burrow_certificate_expiry_seconds", ("host", AcmeTestBed.Domain)), TimeSpan.FromDays(1).TotalSeconds, TimeSpan.FromDays(3650).TotalSeconds);
    }

    [Fact]
    public async Task Base_domain_certificate_is_issued_through_tls_alpn01_and_visitors_never_see_the_challenge_certificate()
    {
        await using var bed = await AcmeTestBed.StartAsync(o => o.Challenge = AcmeChallengeType.TlsAlpn01);

        await bed.WaitForIssuedAsync(AcmeTestBed.Domain);

        Assert.True(bed.Host.Logs.Contains(AcmeLogEventIds.ChallengeServed, "tls-alpn-01 challenge for burrow.test"));
        Assert.False(bed.Host.Logs.Contains(AcmeLogEventIds.ChallengeServed, "http-01"));
        var (visitor, protocol) = await bed.HandshakeAsync(AcmeTestBed.Domain, "h2", "http/1.1");
        Assert.Equal("h2", protocol);
        Assert.Contains("Pebble Intermediate", visitor.Issuer, StringComparison.Ordinal);
        Assert.Null(visitor.Extensions["1.3.6.1.5.5.7.1.31"]);
    }

    [Fact]
    public async Task Registering_a_name_orders_its_certificate_and_a_visitor_reaches_the_tunnel_over_verified_https()
    {
        await using var bed = await AcmeTestBed.StartAsync();
        await using var local = await LocalTestServer.StartAsync();
        await bed.WaitForIssuedAsync(AcmeTestBed.Domain);
        using var root = await bed.Pebble.RootAsync();

        var (user, token) = bed.Host.CreateUser("alice");
        var options = bed.Host.AgentOptions(user, token, new TunnelTarget("demo", "127.0.0.1", local.Port));
        options.Server = new Uri($"https://127.0.0.1:{bed.HttpsPort}");
        options.Insecure = true; // The agent's own check of the API certificate is not under test (127.0.0.1 has no certificate).
        await bed.Host.StartAgentAsync(options);

        await bed.WaitForIssuedAsync($"demo.{AcmeTestBed.Domain}");
        using var client = bed.HttpsClient(root);
        using var response = await client.GetAsync(new Uri($"https://demo.{AcmeTestBed.Domain}:{bed.HttpsPort}/echo"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("x-forwarded-proto: https", body, StringComparison.Ordinal);
        Assert.True(bed.Host.Logs.Contains(AcmeLogEventIds.OnDemandQueued, "demo.burrow.test queued (claimed by alice)"));
    }

    [Fact]
    public async Task A_name_nobody_claimed_gets_the_base_certificate_and_no_order()
    {
        await using var bed = await AcmeTestBed.StartAsync();
        await bed.WaitForIssuedAsync(AcmeTestBed.Domain);

        var (presented, _) = await bed.HandshakeAsync($"random.{AcmeTestBed.Domain}");

        Assert.Contains("CN=burrow.test", presented.Subject, StringComparison.Ordinal);
        Assert.False(presented.MatchesHostname($"random.{AcmeTestBed.Domain}"));
        Assert.DoesNotContain(bed.Host.Logs.Entries, e => e.EventId == AcmeLogEventIds.OrderStarted && e.Message.Contains("random", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_demand_orders_beyond_the_users_hourly_limit_are_refused_and_the_name_gets_the_base_certificate()
    {
        await using var bed = await AcmeTestBed.StartAsync(o => o.OnDemandPerUserPerHour = 1);
        await using var local = await LocalTestServer.StartAsync();
        await bed.WaitForIssuedAsync(AcmeTestBed.Domain);
        var (user, token) = bed.Host.CreateUser("mallory");
        var options = bed.Host.AgentOptions(user, token, new TunnelTarget("first", "127.0.0.1", local.Port), new TunnelTarget("second", "127.0.0.1", local.Port));
        options.Server = new Uri($"https://127.0.0.1:{bed.HttpsPort}");
        options.Insecure = true;

        await bed.Host.StartAgentAsync(options);

        await bed.WaitForIssuedAsync($"first.{AcmeTestBed.Domain}");
        Assert.True(bed.Host.Logs.Contains(AcmeLogEventIds.OnDemandRateLimited, "second.burrow.test: mallory"));
        var (presented, _) = await bed.HandshakeAsync($"second.{AcmeTestBed.Domain}");
        Assert.Contains("CN=burrow.test", presented.Subject, StringComparison.Ordinal);
    }
}
