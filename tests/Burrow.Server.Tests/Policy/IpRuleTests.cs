using Burrow.Protocol.Registration;

namespace Burrow.Server.Tests.Policy;

/// <summary>--allow-ip / --deny-ip and the server's DenyIps, on the address the edge trusts.</summary>
public sealed class IpRuleTests
{
    private const string Proxy = "127.0.0.0/8";

    [Fact]
    public async Task An_address_in_the_allow_list_gets_in_and_one_outside_gets_a_403_page_that_says_so()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("lan", new VisitorPolicy(AllowIps: ["127.0.0.0/8", "2001:db8::/32"]), s => s.Edge(o => o.TrustedProxies = [Proxy]));

        Assert.Equal(200, (await tunnel.SendAsync("/echo")).Status);
        Assert.Equal(200, (await tunnel.SendAsync("/echo", ("X-Forwarded-For", "2001:db8::7"))).Status);
        var (status, body, _) = await tunnel.SendAsync("/echo", ("X-Forwarded-For", "203.0.113.9"), ("Accept", "text/html"));
        var (v6, v6Body, _) = await tunnel.SendAsync("/echo", ("X-Forwarded-For", "2001:db9::1"));

        Assert.Equal(403, status);
        Assert.Contains("Your address 203.0.113.9 may not visit lan.localhost.", body, StringComparison.Ordinal);
        Assert.StartsWith("<!doctype html>", body, StringComparison.Ordinal);
        Assert.Equal(403, v6);
        Assert.Contains("2001:db9::1", v6Body, StringComparison.Ordinal);
        await tunnel.Scenario.Host.Logs.WaitForAsync(ServerEventIds.VisitorAddressRefused, "203.0.113.9");
    }

    [Fact]
    public async Task Deny_wins_over_allow_for_ipv4_and_ipv6()
    {
        var policy = new VisitorPolicy(AllowIps: ["0.0.0.0/0", "::/0"], DenyIps: ["198.51.100.0/24", "2001:db8:bad::/48"]);
        await using var tunnel = await PolicyTunnel.StartAsync("mixed", policy, s => s.Edge(o => o.TrustedProxies = [Proxy]));

        Assert.Equal(200, (await tunnel.SendAsync("/echo", ("X-Forwarded-For", "198.51.101.1"))).Status);
        Assert.Equal(403, (await tunnel.SendAsync("/echo", ("X-Forwarded-For", "198.51.100.200"))).Status);
        Assert.Equal(200, (await tunnel.SendAsync("/echo", ("X-Forwarded-For", "2001:db8:600d::1"))).Status);
        Assert.Equal(403, (await tunnel.SendAsync("/echo", ("X-Forwarded-For", "2001:db8:bad::1"))).Status);
    }

    [Fact]
    public async Task Without_a_trusted_proxy_a_forwarded_address_is_ignored_and_the_connection_address_decides()
    {
        var policy = new VisitorPolicy(AllowIps: ["203.0.113.0/24"]);
        await using var tunnel = await PolicyTunnel.StartAsync("direct", policy);

        var (status, body, _) = await tunnel.SendAsync("/echo", ("X-Forwarded-For", "203.0.113.9"));

        Assert.Equal(403, status);
        Assert.Contains("Your address 127.0.0.1 may not visit", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deny_list_alone_leaves_everyone_else_in()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("blocklist", new VisitorPolicy(DenyIps: ["127.0.0.1"]), s => s.Edge(o => o.TrustedProxies = [Proxy]));

        Assert.Equal(403, (await tunnel.SendAsync("/echo")).Status);
        Assert.Equal(200, (await tunnel.SendAsync("/echo", ("X-Forwarded-For", "192.0.2.1"))).Status);
    }

    [Fact]
    public async Task The_servers_deny_list_refuses_an_address_on_every_tunnel_even_an_open_one()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("open", policy: null, s => s.Edge(o => o.TrustedProxies = [Proxy]).Policy(o => o.DenyIps = ["192.0.2.0/24", "2001:db8::/32"]));

        var (status, body, _) = await tunnel.SendAsync("/echo", ("X-Forwarded-For", "192.0.2.44"));

        Assert.Equal(403, status);
        Assert.Contains("may not visit tunnels on this server", body, StringComparison.Ordinal);
        Assert.Equal(403, (await tunnel.SendAsync("/echo", ("X-Forwarded-For", "2001:db8::1"))).Status);
        Assert.Equal(200, (await tunnel.SendAsync("/echo", ("X-Forwarded-For", "192.0.3.1"))).Status);
    }

    [Fact]
    public async Task Allow_list_and_basic_auth_both_apply()
    {
        var policy = new VisitorPolicy(BasicAuth: [new("ann", "s3cret")], AllowIps: ["127.0.0.0/8"]);
        await using var tunnel = await PolicyTunnel.StartAsync("demo", policy, s => s.Edge(o => o.TrustedProxies = [Proxy]));

        Assert.Equal(401, (await tunnel.SendAsync("/echo")).Status);
        Assert.Equal(200, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "s3cret"))).Status);
        Assert.Equal(403, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "s3cret"), ("X-Forwarded-For", "203.0.113.5"))).Status);
    }
}
