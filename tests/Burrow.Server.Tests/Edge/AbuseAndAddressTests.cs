using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Burrow.Protocol;
using Burrow.Testing;

namespace Burrow.Server.Tests.Edge;

/// <summary>Rate limits, client addresses and names, as an operator on a public domain needs them.</summary>
public sealed class AbuseAndAddressTests
{
    [Fact]
    public async Task Registration_beyond_the_rate_limit_gets_429_with_retry_after()
    {
        await using var host = await TunnelTestHost.StartAsync(s => s.Registration(o => o.RegistrationsPerMinute = 3));
        var (_, token) = host.CreateUser("alice");
        for (var i = 0; i < 3; i++)
        {
            using var ok = await RegisterAsync(host, token, $"n{i}");
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        using var limited = await RegisterAsync(host, token, "n3");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        await host.Logs.WaitForAsync(ServerEventIds.RegistrationRateLimited, "127.0.0.1");
    }

    [Fact]
    public async Task Failed_authentications_are_logged()
    {
        await using var host = await TunnelTestHost.StartAsync();
        host.CreateUser("alice");
        using var response = await RegisterAsync(host, "brw_guess", "x");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await host.Logs.WaitForAsync(ServerEventIds.AuthenticationFailed, "alice");
    }

    [Fact]
    public async Task Spoofed_forwarded_for_from_the_public_is_replaced()
    {
        await using var scenario = await TunnelScenario.StartAsync("addr");

        using var request = new HttpRequestMessage(HttpMethod.Get, scenario.PublicUri("/echo"));
        request.Headers.Add("X-Forwarded-For", "6.6.6.6");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await scenario.PublicClient.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("x-forwarded-for: 127.0.0.1\n", body, StringComparison.Ordinal);
        Assert.Contains("x-forwarded-proto: http\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("6.6.6.6", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarded_for_from_a_trusted_proxy_is_honoured()
    {
        await using var scenario = await TunnelScenario.StartAsync("lb", s => s.Edge(o => o.TrustedProxies = ["127.0.0.0/8"]));

        using var request = new HttpRequestMessage(HttpMethod.Get, scenario.PublicUri("/echo"));
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await scenario.PublicClient.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("x-forwarded-for: 203.0.113.7\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_names_are_valid_and_unique()
    {
        await using var host = await TunnelTestHost.StartAsync(s => s.Registration(o => (o.RegistrationsPerMinute, o.RegistrationsPerUserPerMinute) = (1000, 1000)));
        var (_, token) = host.CreateUser("alice", maxTunnels: 100);
        var names = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await RegisterAsync(host, token, null);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var name = json.GetProperty("names")[0].GetString()!;
            Assert.Matches("^[a-z]+-[a-z]+-[0-9]{4}$", name);
            Assert.True(names.Add(name), $"{name} handed out twice");
        }
    }

    [Fact]
    public async Task Reserved_names_come_from_configuration()
    {
        await using var host = await TunnelTestHost.StartAsync(s => s.Registration(o => o.ReservedNames = ["status"]));
        var (_, token) = host.CreateUser("alice");
        using var reserved = await RegisterAsync(host, token, "status");
        using var allowed = await RegisterAsync(host, token, "www");

        Assert.Equal(HttpStatusCode.Forbidden, reserved.StatusCode);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task Punycode_names_are_accepted_and_unicode_is_converted()
    {
        await using var host = await TunnelTestHost.StartAsync();
        var (_, token) = host.CreateUser("alice");
        using var punycode = await RegisterAsync(host, token, "xn--bcher-kva");
        using var unicode = await RegisterAsync(host, token, "bücher");

        Assert.Equal(HttpStatusCode.Created, punycode.StatusCode);
        Assert.Equal(HttpStatusCode.Created, unicode.StatusCode);
        Assert.Contains("xn--bcher-kva", await unicode.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> RegisterAsync(TunnelTestHost host, string token, string? name)
    {
        var body = JsonSerializer.Serialize(new { username = "alice", domain = name });
        using var request = new HttpRequestMessage(HttpMethod.Post, host.ApiUri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.PublicClient.SendAsync(request);
    }
}
