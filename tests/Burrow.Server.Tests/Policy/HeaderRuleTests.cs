using Burrow.Protocol.Registration;

namespace Burrow.Server.Tests.Policy;

/// <summary>Header rules, the Host rewrite and the identity headers, as the local server and the visitor see them.</summary>
public sealed class HeaderRuleTests
{
    [Fact]
    public async Task Request_rules_remove_then_set_replacing_what_the_visitor_sent()
    {
        var policy = new VisitorPolicy(RequestHeaders: new HeaderRules(Add: [new("X-Env", "staging"), new("X-Team", "web")], Remove: ["X-Debug", "User-Agent"]));
        await using var tunnel = await PolicyTunnel.StartAsync("hdr", policy);

        var (status, body, _) = await tunnel.SendAsync("/echo", ("X-Env", "forged"), ("X-Debug", "1"), ("User-Agent", "probe/1.0"), ("X-Kept", "yes"));

        Assert.Equal(200, status);
        Assert.Contains("x-env: staging\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", body, StringComparison.Ordinal);
        Assert.Contains("x-team: web\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("x-debug", body, StringComparison.Ordinal);
        Assert.DoesNotContain("user-agent", body, StringComparison.Ordinal);
        Assert.Contains("x-kept: yes\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Response_rules_apply_to_what_the_visitor_gets()
    {
        var policy = new VisitorPolicy(ResponseHeaders: new HeaderRules(Add: [new("X-Frame-Options", "DENY")], Remove: ["X-Echo"]));
        await using var tunnel = await PolicyTunnel.StartAsync("hdr", policy);

        var (status, _, headers) = await tunnel.SendAsync("/echo");

        Assert.Equal(200, status);
        Assert.Equal("DENY", Assert.Single(headers.GetValues("X-Frame-Options")));
        Assert.False(headers.Contains("X-Echo"));
        Assert.Equal(2, headers.GetValues("Set-Cookie").Count());
    }

    [Fact]
    public async Task Host_rewrite_sends_the_local_address_as_host_and_keeps_the_public_one_in_forwarded_host()
    {
        await using var scenario = await Burrow.Testing.TunnelScenario.StartAsync("dev", startAgent: false);
        var options = scenario.AgentOptions();
        var target = options.Tunnels[0];
        options.Tunnels[0] = target with { Policy = new VisitorPolicy(HostHeader: $"localhost:{target.LocalPort}") };
        await scenario.Host.StartAgentAsync(options);

        using var response = await scenario.PublicClient.GetAsync(scenario.PublicUri("/echo"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains($"host: localhost:{scenario.Local.Port}\n", body, StringComparison.Ordinal);
        Assert.Contains($"x-forwarded-host: dev.localhost:{scenario.Host.Server.HttpPort}\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_rewrite_the_public_host_is_preserved()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("keep", new VisitorPolicy(RequestHeaders: new HeaderRules(Add: [new("X-A", "1")])));

        var (_, body, _) = await tunnel.SendAsync("/echo");

        Assert.Contains($"host: keep.localhost:{tunnel.Scenario.Host.Server.HttpPort}\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_headers_from_visitors_are_dropped_on_every_tunnel_in_any_spelling()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("spoof", policy: null);

        var (status, body, _) = await tunnel.SendAsync(
            "/echo",
            ("X-Burrow-User-Email", "admin@example.com"),
            ("x-burrow-user-name", "Admin"),
            ("X_Burrow_User_Email", "admin@example.com"),
            ("X-Burrow-User-Groups", "admins"));

        Assert.Equal(200, status);
        Assert.DoesNotContain("admin", body, StringComparison.OrdinalIgnoreCase);
    }
}
