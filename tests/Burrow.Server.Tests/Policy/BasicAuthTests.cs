using Burrow.Protocol.Registration;
using Burrow.Testing;

namespace Burrow.Server.Tests.Policy;

/// <summary>--basic-auth: enforced at the edge, before anything reaches the agent.</summary>
public sealed class BasicAuthTests
{
    private static readonly VisitorPolicy TwoUsers = new(BasicAuth: [new("ann", "s3cret"), new("bob", "hunter2 with spaces")]);

    [Fact]
    public async Task Missing_credentials_get_401_with_a_basic_challenge_and_never_reach_the_agent()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("gated", TwoUsers);

        var (status, body, headers) = await tunnel.SendAsync("/echo");

        Assert.Equal(401, status);
        Assert.Equal("Basic realm=\"gated.localhost\", charset=\"UTF-8\"", Assert.Single(headers.WwwAuthenticate).ToString());
        Assert.Contains("asks for a user name and password", body, StringComparison.Ordinal);
        Assert.Equal(0, tunnel.Agent.Observer.ConnectionsOpened);
    }

    [Fact]
    public async Task Right_credentials_of_each_user_reach_the_local_server_without_the_password()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("gated", TwoUsers);

        var (ann, annBody, _) = await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "s3cret"));
        var (bob, bobBody, _) = await tunnel.SendAsync("/echo", PolicyTunnel.Basic("bob", "hunter2 with spaces"));

        Assert.Equal(200, ann);
        Assert.Equal(200, bob);
        Assert.Contains("x-burrow-user-name: ann\n", annBody, StringComparison.Ordinal);
        Assert.Contains("x-burrow-user-name: bob\n", bobBody, StringComparison.Ordinal);
        Assert.DoesNotContain("authorization:", annBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_unknown_user_and_another_users_password_get_401()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("gated", TwoUsers);

        Assert.Equal(401, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "S3cret"))).Status);
        Assert.Equal(401, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("carol", "s3cret"))).Status);
        Assert.Equal(401, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("bob", "s3cret"))).Status);
        Assert.Equal(401, (await tunnel.SendAsync("/echo", ("Authorization", "Basic !!not-base64"))).Status);
        Assert.Equal(401, (await tunnel.SendAsync("/echo", ("Authorization", "Bearer s3cret"))).Status);
        Assert.Equal(0, tunnel.Agent.Observer.ConnectionsOpened);
        await tunnel.Scenario.Host.Logs.WaitForAsync(ServerEventIds.VisitorBasicAuthFailed, "carol");
    }

    [Fact]
    public async Task Too_many_wrong_passwords_from_one_network_get_429_even_for_the_right_one()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("gated", TwoUsers, s => s.Policy(o => o.BasicAuthFailuresPerMinute = 2));
        Assert.Equal(401, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "wrong1"))).Status);
        Assert.Equal(401, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "wrong2"))).Status);

        // Even the right password is not checked now: the answer is 429, not 200.
        var (status, _, headers) = await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "s3cret"));

        Assert.Equal(429, status);
        Assert.True(headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(0, tunnel.Agent.Observer.ConnectionsOpened);
    }

    [Fact]
    public async Task Guesses_spread_over_many_networks_meet_the_servers_own_budget()
    {
        // One network each, through a trusted proxy: no network spends its own budget, the server's runs out.
        await using var tunnel = await PolicyTunnel.StartAsync("gated", TwoUsers, s => s
            .Policy(o => o.BasicAuthChecksPerMinute = 3)
            .Edge(o => o.TrustedProxies = ["127.0.0.0/8", "::1/128"]));
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(401, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", $"wrong{i}"), ("X-Forwarded-For", $"2001:db8:{i}::1"))).Status);
        }

        var (status, _, headers) = await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "s3cret"), ("X-Forwarded-For", "2001:db8:4::1"));

        Assert.Equal(429, status);
        Assert.True(headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(0, tunnel.Agent.Observer.ConnectionsOpened);
    }
}
