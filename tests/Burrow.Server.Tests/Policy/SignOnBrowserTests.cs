using Burrow.Protocol.Registration;
using Burrow.Testing;
using Burrow.Testing.Browser;
using static Microsoft.Playwright.Assertions;

namespace Burrow.Server.Tests.Policy;

/// <summary>Single sign-on in a real headless Chromium: the provider's redirects, the cookies, sign-out.</summary>
public sealed class SignOnBrowserTests : IClassFixture<OidcProviderFixture>, IAsyncLifetime
{
    private readonly TestOidcProvider _provider;
    private TunnelScenario _scenario = null!;
    private ChromiumSession _browser = null!;

    public SignOnBrowserTests(OidcProviderFixture fixture)
    {
        _provider = fixture.Provider;
    }

    public async Task InitializeAsync()
    {
        _scenario = await _provider.StartScenarioAsync("team");
        _browser = await ChromiumSession.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _scenario.DisposeAsync();
    }

    [Fact]
    public async Task A_browser_signs_in_through_the_provider_reaches_the_local_server_and_signs_out()
    {
        var policy = new VisitorPolicy(Oidc: new OidcRule("corp", AllowEmails: ["*@example.com"]));
        await _scenario.Host.StartAgentAsync(PolicyTunnel.WithPolicy(_scenario.AgentOptions("team"), policy));
        await _scenario.Host.StartAgentAsync(PolicyTunnel.WithPolicy(_scenario.AgentOptions("other"), policy));
        var page = await _browser.NewPageAsync();

        // A sign-in is one navigation through six redirects and two back-channel calls to the provider, the first of
        // them on cold paths of the OIDC handler and OpenIddict: in the full suite on 2 shared cores it took more than
        // the session's 15 s. Each wait is still on the page's load event; only the bound is wider.
        page.SetDefaultNavigationTimeout(90_000);

        // Provider, callback and hand-off are redirects: the browser lands on the page it asked for.
        await page.GotoAsync(_scenario.Host.PublicUri("team", "/echo?from=browser").ToString());
        Assert.Equal(_scenario.Host.PublicUri("team", "/echo?from=browser").ToString(), page.Url);
        await Expect(page.Locator("body")).ToContainTextAsync("x-burrow-user-email: ann@example.com");
        await Expect(page.Locator("body")).ToContainTextAsync("x-burrow-user-name: Ann Example");

        // The browser keeps the session cookie on the tunnel's own host only: HttpOnly, Lax, no domain.
        var cookies = await _browser.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "burrow_session");
        Assert.Equal("team.localhost", session.Domain);
        Assert.True(session.HttpOnly);
        Assert.Equal(Microsoft.Playwright.SameSiteAttribute.Lax, session.SameSite);
        Assert.Equal(1, _provider.Authorizations);

        // A sibling tunnel on the same provider needs its own sign-in (silent here: the provider remembers nobody).
        await page.GotoAsync(_scenario.Host.PublicUri("other", "/echo").ToString());
        await Expect(page.Locator("body")).ToContainTextAsync("x-burrow-user-email: ann@example.com");
        Assert.Equal(2, _provider.Authorizations);

        await page.GotoAsync(_scenario.Host.PublicUri("team", "/_burrow/logout").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("200 Signed out");
        Assert.DoesNotContain(await _browser.Context.CookiesAsync(), c => c.Name == "burrow_session" && c.Domain == "team.localhost");

        // Signed out: the next visit goes to the provider again.
        await page.GotoAsync(_scenario.Host.PublicUri("team", "/echo").ToString());
        await Expect(page.Locator("body")).ToContainTextAsync("x-burrow-user-email: ann@example.com");
        Assert.Equal(3, _provider.Authorizations);
    }
}
