using System.Net;
using Burrow.Server.Hosting;
using Burrow.Testing;
using Microsoft.Extensions.Configuration;

namespace Burrow.Server.Tests.Admin;

/// <summary>Where the admin listener may listen, and on what terms.</summary>
public sealed class AdminListenerTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("*")]
    [InlineData("::")]
    public void A_listener_beyond_loopback_without_tls_refuses_to_start(string address)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BurrowServer.Create(Configuration(("AdminListen", address))));

        Assert.Contains("AdminListen", error.Message, StringComparison.Ordinal);
        Assert.Contains("--admin-allow-http", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allow_http_lets_it_listen_beyond_loopback()
    {
        await using var server = BurrowServer.Create(Configuration(("AdminListen", "0.0.0.0"), ("AdminAllowHttp", "true")));
        await server.StartAsync();

        using var client = new HttpClient();
        using var response = await client.GetAsync($"http://127.0.0.1:{server.AdminPort}/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Https_needs_the_servers_certificate_and_bad_settings_are_named()
    {
        Assert.Contains("AdminHttps", Assert.Throws<InvalidOperationException>(() => BurrowServer.Create(Configuration(("AdminHttps", "true")))).Message, StringComparison.Ordinal);
        Assert.Contains("AdminListen", Assert.Throws<InvalidOperationException>(() => BurrowServer.Create(Configuration(("AdminListen", "nowhere")))).Message, StringComparison.Ordinal);
        Assert.Contains("AdminPort", Assert.Throws<InvalidOperationException>(() => BurrowServer.Create(Configuration(("AdminPort", "70000")))).Message, StringComparison.Ordinal);
        Assert.Contains("AdminPort", Assert.Throws<InvalidOperationException>(() => BurrowServer.Create(Configuration(("AdminPort", "7835"), ("ChannelPort", "7835")))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_can_require_the_admin_token()
    {
        await using var host = await TunnelTestHost.StartAsync(settings => settings.Admin(admin => admin.AdminMetricsToken = true));
        using var admin = AdminClient.For(host);
        using var anonymous = new HttpClient();
        var metrics = new Uri(host.Server.AdminUrl!, "/metrics");

        using (var refused = await anonymous.GetAsync(metrics))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var scrape = await PrometheusText.ScrapeAsync(admin.Http, metrics);
        Assert.Equal(0, scrape.Value("burrow_tunnels_online"));
    }

    [Fact]
    public async Task The_dashboard_is_served_from_the_assembly_with_a_strict_policy()
    {
        await using var host = await TunnelTestHost.StartAsync();
        using var client = new HttpClient { BaseAddress = host.Server.AdminUrl };

        using var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        using var script = await client.GetAsync("/app.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        using var missing = await client.GetAsync("/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private IConfiguration Configuration(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["ListenAddress"] = "127.0.0.1",
            ["HttpPort"] = "0",
            ["ChannelPort"] = "0",
            ["AdminPort"] = "0",
            ["DataDirectory"] = _data.Path,
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
