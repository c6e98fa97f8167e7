using Burrow.Protocol.Registration;
using Burrow.Server.Policy;
using Burrow.Testing;

namespace Burrow.Server.Tests.Policy;

/// <summary>
/// --oidc against a real OpenID provider run by the test (OpenIddict on loopback): the whole flow over real HTTP, as a
/// browser with a cookie jar does it.
/// </summary>
public sealed class SignOnTests : IClassFixture<OidcProviderFixture>, IAsyncLifetime
{
    private static readonly VisitorPolicy Corp = new(Oidc: new OidcRule("corp", AllowDomains: ["example.com"]));

    private readonly TestOidcProvider _provider;
    private TunnelScenario _scenario = null!;

    public SignOnTests(OidcProviderFixture fixture)
    {
        _provider = fixture.Provider;
    }

    public async Task InitializeAsync()
    {
        _scenario = await _provider.StartScenarioAsync("sso");
    }

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task Sign_in_goes_through_the_provider_and_the_local_server_gets_the_user()
    {
        var agent = await StartTunnelAsync("sso", Corp);
        using var visitor = new BrowsingVisitor();

        var (status, body) = await visitor.BrowseAsync(_scenario.Host.PublicUri("sso", "/echo?page=1"), ("X-Burrow-User-Email", "forged@example.com"));

        var hops = visitor.Hops;
        Assert.Equal(200, status);
        Assert.Equal(6, hops.Count);
        Assert.Equal($"localhost:{_scenario.Host.Server.HttpPort}", hops[0].Location!.Authority);
        Assert.Equal("/_burrow/oidc/login", hops[0].Location!.AbsolutePath);
        Assert.Equal(_provider.Issuer.Authority, hops[1].Location!.Authority);
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString(_provider.RedirectUri!), hops[1].Location!.Query, StringComparison.Ordinal);
        Assert.Contains("code_challenge=", hops[1].Location!.Query, StringComparison.Ordinal);
        Assert.Equal("/_burrow/oidc/callback", hops[2].Location!.AbsolutePath);
        Assert.Equal("sso.localhost", hops[3].Location!.Host);
        Assert.Equal("/_burrow/oidc/session", hops[3].Location!.AbsolutePath);
        Assert.Equal(_scenario.Host.PublicUri("sso", "/echo?page=1"), hops[4].Location);

        // The session cookie: host-only (no Domain), HttpOnly, SameSite=Lax, not Secure over plain HTTP.
        var cookie = Assert.Single(hops[4].SetCookies);
        Assert.StartsWith("burrow_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);

        Assert.Contains("x-burrow-user-email: ann@example.com\n", body, StringComparison.Ordinal);
        Assert.Contains("x-burrow-user-name: Ann Example\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", body, StringComparison.Ordinal);
        Assert.DoesNotContain("burrow_session", body, StringComparison.Ordinal);
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.SignedIn, "ann@example.com");

        // Signed in: the next request goes straight through, without the provider.
        var (again, _, _) = await visitor.SendAsync(HttpMethod.Get, _scenario.Host.PublicUri("sso", "/echo"));
        Assert.Equal(200, again);
        Assert.Equal(1, _provider.Authorizations);
        Assert.Equal(1, agent.Observer.Requests.Count(r => r.Path.StartsWith("/echo?page=1", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Before_sign_in_nothing_reaches_the_agent_and_other_methods_get_401()
    {
        var agent = await StartTunnelAsync("sso", Corp);
        using var visitor = new BrowsingVisitor();

        var (get, _, location) = await visitor.SendAsync(HttpMethod.Get, _scenario.Host.PublicUri("sso", "/echo"));
        var (post, body, _) = await visitor.SendAsync(HttpMethod.Post, _scenario.Host.PublicUri("sso", "/echo"));

        Assert.Equal(302, get);
        Assert.Equal("/_burrow/oidc/login", location!.AbsolutePath);
        Assert.Equal(401, post);
        Assert.Contains("needs you signed in with corp", body, StringComparison.Ordinal);
        Assert.Equal(0, agent.Observer.ConnectionsOpened);
    }

    [Fact]
    public async Task A_user_outside_the_allowed_domain_gets_403()
    {
        _provider.User = new TestUser("mallory@example.org", "Mallory");
        var agent = await StartTunnelAsync("sso", Corp);
        using var visitor = new BrowsingVisitor();

        var (status, body) = await visitor.BrowseAsync(_scenario.Host.PublicUri("sso", "/echo"));

        Assert.Equal(403, status);
        Assert.Contains("You are signed in as mallory@example.org, who may not visit sso.localhost.", body, StringComparison.Ordinal);
        Assert.Equal(0, agent.Observer.ConnectionsOpened);
        await _scenario.Host.Logs.WaitForAsync(ServerEventIds.SignOnRefused, "mallory@example.org");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public async Task An_address_the_provider_does_not_say_is_verified_gets_403(bool? verified)
    {
        // An allow-listed domain is no use if anyone can claim an address in it at the provider.
        _provider.User = new TestUser("ann@example.com", "Ann Example", verified);
        var agent = await StartTunnelAsync("sso", Corp);
        using var visitor = new BrowsingVisitor();

        var (status, body) = await visitor.BrowseAsync(_scenario.Host.PublicUri("sso", "/echo"));

        Assert.Equal(403, status);
        Assert.Contains("says your address ann@example.com is not verified", body, StringComparison.Ordinal);
        Assert.Equal(0, agent.Observer.ConnectionsOpened);
    }

    [Fact]
    public async Task The_cookie_and_the_ticket_of_one_tunnel_are_refused_on_another()
    {
        await StartTunnelAsync("alpha", Corp);
        var beta = await StartTunnelAsync("beta", Corp);
        using var visitor = new BrowsingVisitor();
        Assert.Equal(200, (await visitor.BrowseAsync(_scenario.Host.PublicUri("alpha", "/echo"))).Status);
        var alphaCookie = visitor.Cookies.GetCookies(_scenario.Host.PublicUri("alpha"))["burrow_session"]!.Value;

        // The jar does not send alpha's host-only cookie to beta; sent by hand, beta cannot read it.
        Assert.Empty(visitor.Cookies.GetCookies(_scenario.Host.PublicUri("beta")));
        using var stranger = new BrowsingVisitor();
        var (status, _, location) = await stranger.SendAsync(HttpMethod.Get, _scenario.Host.PublicUri("beta", "/echo"), ("Cookie", $"burrow_session={alphaCookie}"));
        Assert.Equal(302, status);
        Assert.Equal("/_burrow/oidc/login", location!.AbsolutePath);

        // Nor does a hand-off ticket issued for alpha open beta.
        using var third = new BrowsingVisitor();
        var ticket = await TicketForAsync(third, "alpha");
        var (redeem, body, _) = await third.SendAsync(HttpMethod.Get, _scenario.Host.PublicUri("beta", $"/_burrow/oidc/session?ticket={ticket}"));
        Assert.Equal(400, redeem);
        Assert.Contains("not valid for beta.localhost", body, StringComparison.Ordinal);
        Assert.Equal(0, beta.Observer.ConnectionsOpened);
    }

    [Fact]
    public async Task A_hand_off_ticket_works_once()
    {
        await StartTunnelAsync("sso", Corp);
        using var visitor = new BrowsingVisitor();
        var ticket = await TicketForAsync(visitor, "sso");
        var session = _scenario.Host.PublicUri("sso", $"/_burrow/oidc/session?ticket={ticket}");

        var (first, _, _) = await visitor.SendAsync(HttpMethod.Get, session);
        var (second, _, _) = await visitor.SendAsync(HttpMethod.Get, session);

        Assert.Equal(302, first);
        Assert.Equal(400, second);
    }

    [Fact]
    public async Task A_hand_off_ticket_opened_in_another_browser_signs_nobody_in()
    {
        // Login CSRF: someone signs in with their own account, stops short of the hand-off, and sends the link on.
        var agent = await StartTunnelAsync("sso", Corp);
        using var maker = new BrowsingVisitor();
        var ticket = await TicketForAsync(maker, "sso");
        using var victim = new BrowsingVisitor();

        var (status, body, _) = await victim.SendAsync(HttpMethod.Get, _scenario.Host.PublicUri("sso", $"/_burrow/oidc/session?ticket={ticket}"));

        Assert.Equal(400, status);
        Assert.Contains("started in another browser", body, StringComparison.Ordinal);
        Assert.Null(victim.Cookies.GetCookies(_scenario.Host.PublicUri("sso"))["burrow_session"]);
        Assert.Equal(0, agent.Observer.ConnectionsOpened);
    }

    [Fact]
    public async Task Logout_ends_the_session_on_that_tunnel()
    {
        await StartTunnelAsync("sso", Corp);
        using var visitor = new BrowsingVisitor();
        Assert.Equal(200, (await visitor.BrowseAsync(_scenario.Host.PublicUri("sso", "/echo"))).Status);

        var (status, body, _) = await visitor.SendAsync(HttpMethod.Get, _scenario.Host.PublicUri("sso", "/_burrow/logout"));
        var (after, _, location) = await visitor.SendAsync(HttpMethod.Get, _scenario.Host.PublicUri("sso", "/echo"));

        Assert.Equal(200, status);
        Assert.Contains("You are signed out of sso.localhost.", body, StringComparison.Ordinal);
        Assert.Null(visitor.Cookies.GetCookies(_scenario.Host.PublicUri("sso"))["burrow_session"]);
        Assert.Equal(302, after);
        Assert.Equal("/_burrow/oidc/login", location!.AbsolutePath);
    }

    [Fact]
    public async Task A_forged_or_stale_sign_in_link_gets_a_page_not_a_provider()
    {
        using var visitor = new BrowsingVisitor();

        var (login, loginBody, _) = await visitor.SendAsync(HttpMethod.Get, new Uri($"http://localhost:{_scenario.Host.Server.HttpPort}/_burrow/oidc/login?t=forged"));
        var (callback, callbackBody, _) = await visitor.SendAsync(HttpMethod.Get, new Uri($"http://localhost:{_scenario.Host.Server.HttpPort}/_burrow/oidc/callback?code=x&state=corp.forged"));

        Assert.Equal(400, login);
        Assert.Contains("not valid or expired", loginBody, StringComparison.Ordinal);
        Assert.Equal(400, callback);
        Assert.Contains("Signing in with corp failed", callbackBody, StringComparison.Ordinal);
        Assert.Equal(0, _provider.Authorizations);
    }

    private async Task<RunningAgent> StartTunnelAsync(string name, VisitorPolicy policy)
        => await _scenario.Host.StartAgentAsync(PolicyTunnel.WithPolicy(_scenario.AgentOptions(name), policy));

    /// <summary>Signs in up to the hand-off, and returns the ticket instead of redeeming it.</summary>
    private async Task<string> TicketForAsync(BrowsingVisitor visitor, string tunnel)
    {
        var uri = _scenario.Host.PublicUri(tunnel, "/");
        for (var i = 0; i < 5; i++)
        {
            var (_, _, location) = await visitor.SendAsync(HttpMethod.Get, uri);
            uri = new Uri(uri, location!);
            if (uri.AbsolutePath == "/_burrow/oidc/session")
            {
                return uri.Query["?ticket=".Length..];
            }
        }

        throw new InvalidOperationException("No hand-off ticket on the way.");
    }
}
