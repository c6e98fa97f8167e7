using Burrow.Testing;
using Burrow.Testing.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Burrow.Server.Tests.Admin;

/// <summary>The admin dashboard in a real headless Chromium, watching a real server with real agents and traffic.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private TunnelScenario _scenario = null!;
    private AdminClient _admin = null!;
    private ChromiumSession _browser = null!;

    public async Task InitializeAsync()
    {
        _scenario = await TunnelScenario.StartAsync("demo", startAgent: false);
        _admin = AdminClient.For(_scenario.Host);
        _browser = await ChromiumSession.StartAsync(new ViewportSize { Width = 1400, Height = 900 });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _admin.Dispose();
        await _scenario.DisposeAsync();
    }

    [Fact]
    public async Task Tunnel_appears_live_its_counter_moves_and_revoking_its_token_takes_it_offline()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_scenario.Host.Server.AdminUrl!.ToString());

        // A user token is not an admin token: the page says so and stays on the sign-in form.
        await page.FillAsync("#token", _scenario.Token);
        await page.ClickAsync("#sign-in-form button");
        await Expect(page.Locator("#sign-in-error")).ToContainTextAsync("user token");
        await page.FillAsync("#token", _admin.Token);
        await page.ClickAsync("#sign-in-form button");
        await Expect(page.Locator("#live")).ToHaveTextAsync("live");
        await Expect(page.Locator("#tunnels-empty")).ToBeVisibleAsync();

        // The agent connects: its tunnel and channel appear without a reload.
        var agent = await _scenario.StartAgentAsync("demo");
        var row = page.Locator("#tunnels tr[data-tunnel=demo]");
        await Expect(row.Locator(".state")).ToHaveTextAsync("online");
        await Expect(row.Locator(".requests")).ToHaveTextAsync("0");
        await Expect(page.Locator("#channels tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#channels tbody tr")).ToContainTextAsync("burrow-agent/");

        // Requests through the tunnel move its counter.
        for (var i = 0; i < 7; i++)
        {
            using var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri($"/download?size={20_000 * (i + 1)}"));
            response.EnsureSuccessStatusCode();
        }

        await Expect(row.Locator(".requests")).ToHaveTextAsync("7");

        // A second user and a second tunnel, so the page shows more than one of each.
        var bob = _scenario.Host.CreateUser("bob");
        await using var bobs = await _scenario.Host.StartAgentAsync(bob.User, bob.Token, "shop", _scenario.Local.Port);
        await Expect(page.Locator("#tunnels tr[data-tunnel=shop] .state")).ToHaveTextAsync("online");

        // Traffic until the 15-minute chart has a point (one every 5 s); bounded in count and time.
        // For the README's screenshot (BURROW_SCREENSHOTS=1) the chart gets a few points more, so it shows a line.
        var chart = row.Locator("svg.chart polyline");
        var points = Environment.GetEnvironmentVariable("BURROW_SCREENSHOTS") == "1" ? 4 : 1;
        using (var traffic = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            for (var i = 0; i < 10_000 && await ChartPointsAsync(chart) < points && !traffic.IsCancellationRequested; i++)
            {
                using var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri("/id/" + i), traffic.Token);
                using var shop = await _scenario.PublicClient.GetAsync(_scenario.Host.PublicUri("shop", "/id/" + i), traffic.Token);
            }
        }

        await Expect(chart).ToHaveCountAsync(1);
        await Expect(page.Locator("#users [data-user=alice] tr[data-token]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#users [data-user=bob] tr[data-token]")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("dashboard.png"), FullPage = true });

        // Revoke alice's token from the page (two clicks): her tunnel goes offline and her agent stops.
        var revoke = page.Locator("#users [data-user=alice] tr[data-token] button");
        await revoke.ClickAsync();
        await Expect(revoke).ToHaveTextAsync("Confirm revoke");
        await revoke.ClickAsync();
        await Expect(row.Locator(".state")).ToHaveTextAsync("offline");
        await Expect(page.Locator("#users [data-user=alice] tr.revoked")).ToHaveCountAsync(1);
        await Expect(page.Locator("#channels tbody tr")).ToHaveCountAsync(1);
        var stopped = await Assert.ThrowsAsync<Burrow.Agent.AgentException>(() => agent.Run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(Burrow.Agent.AgentExitCode.AuthFailed, stopped.ExitCode);

        // Disconnect bob's channel from the page: it goes (his agent comes back on a new channel).
        var bobsChannel = page.Locator("#channels tbody tr").First;
        var id = await bobsChannel.GetAttributeAsync("data-channel");
        bobs.Observer.ExpectReconnect();
        await bobsChannel.Locator("button").ClickAsync();
        await Expect(bobsChannel.Locator("button")).ToHaveTextAsync("Confirm disconnect");
        await bobsChannel.Locator("button").ClickAsync();
        await bobs.Observer.Online.WaitAsync(TimeSpan.FromSeconds(15));
        await Expect(page.Locator($"#channels tr[data-channel='{id}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#channels tbody tr")).ToHaveCountAsync(1);
    }

    /// <summary>Points on a tunnel's 15-minute chart (a single sample is drawn as two, a flat line).</summary>
    private static async Task<int> ChartPointsAsync(ILocator chart)
        => await chart.CountAsync() == 0 ? 0 : ((await chart.GetAttributeAsync("points"))?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().Count() ?? 0);
}
