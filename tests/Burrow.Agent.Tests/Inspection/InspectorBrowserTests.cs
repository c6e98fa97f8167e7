using System.Text;
using Burrow.Testing.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>The inspector page in a real headless Chromium, watching real traffic through a real tunnel.</summary>
public sealed class InspectorBrowserTests : IAsyncLifetime
{
    private InspectorRig _rig = null!;
    private ChromiumSession _browser = null!;

    public async Task InitializeAsync()
    {
        _rig = await InspectorRig.StartAsync(configure: null, "web", "shop");
        _browser = await ChromiumSession.StartAsync(new ViewportSize { Width = 1400, Height = 860 });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _rig.DisposeAsync();
    }

    [Fact]
    public async Task Requests_appear_live_filter_open_replay_and_edit_then_replay()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_rig.Inspector.Url.ToString());
        await Expect(page.Locator("#live.on")).ToBeVisibleAsync();
        var rows = page.Locator("#requests tbody tr");
        await Expect(rows).ToHaveCountAsync(0);

        // Traffic through the tunnels shows up without a reload.
        await Public(HttpMethod.Get, "/id/1", "web");
        await Public(HttpMethod.Post, "/echo?from=browser-test", "web", "{\"user\":\"ada\",\"roles\":[\"admin\"]}", ("Authorization", "Bearer browser-secret"));
        await Public(HttpMethod.Get, "/status/404", "shop");
        await Public(HttpMethod.Get, "/gzip?text=zipped", "shop");
        await Expect(rows).ToHaveCountAsync(4);
        await Expect(rows.First).ToContainTextAsync("/gzip?text=zipped");

        // Filters: by path, then by tunnel.
        await page.FillAsync("#filter-path", "echo");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("/echo?from=browser-test");
        await page.FillAsync("#filter-path", "");
        await page.SelectOptionAsync("#filter-tunnel", "shop");
        await Expect(rows).ToHaveCountAsync(2);
        await page.SelectOptionAsync("#filter-tunnel", "");
        await Expect(rows).ToHaveCountAsync(4);

        // Open the POST: headers masked until clicked, the JSON body pretty-printed.
        await rows.Filter(new() { HasText = "/echo?from=browser-test" }).ClickAsync();
        await Expect(page.Locator("#d-method")).ToHaveTextAsync("POST");
        var masked = page.Locator("#pane .masked");
        await Expect(masked).ToHaveCountAsync(1);
        await Expect(page.Locator("#pane")).Not.ToContainTextAsync("browser-secret");
        await masked.ClickAsync();
        await Expect(page.Locator("#pane")).ToContainTextAsync("Bearer browser-secret");
        await page.ClickAsync("#view-tabs [data-view=body]");
        await Expect(page.Locator("#body")).ToHaveTextAsync("{\n  \"user\": \"ada\",\n  \"roles\": [\n    \"admin\"\n  ]\n}");
        var original = (await _rig.WaitForAsync(e => e.Path == "/echo?from=browser-test")).Id;

        // Replay: a new entry, linked to the original, which the local server answered.
        await page.ClickAsync("#replay");
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(page.Locator("#d-replay-of")).ToHaveTextAsync($"replay of #{original}");
        var replay = await _rig.WaitForAsync(e => e.ReplayOf == original);
        Assert.Equal(200, replay.Status);

        // Edit a header and replay: the local server's echo shows the change.
        await page.ClickAsync($"#requests tbody tr[data-id='{original}']");
        await page.ClickAsync("#edit");
        await Expect(page.Locator("#edit-form")).ToBeVisibleAsync();
        var headers = await page.InputValueAsync("#edit-headers");
        await page.FillAsync("#edit-headers", headers + "\nX-Edited: from-the-browser");
        await page.ClickAsync("#edit-send");
        await Expect(rows).ToHaveCountAsync(6);
        var edited = await _rig.WaitForAsync(e => e.ReplayOf == original && e.Id != replay.Id);
        await Expect(page.Locator("#d-replay-of")).ToHaveTextAsync($"replay of #{original}");
        await page.ClickAsync("#side-tabs [data-side=response]");
        await page.ClickAsync("#view-tabs [data-view=body]");
        await Expect(page.Locator("#body")).ToContainTextAsync("x-edited: from-the-browser");
        var echo = (await _rig.DetailAsync(edited.Id)).GetProperty("response").GetProperty("body").Str("text");
        Assert.Contains("x-edited: from-the-browser", echo, StringComparison.Ordinal);

        // Copy as curl shows the command (credentials redacted by default).
        await page.ClickAsync("#curl");
        await Expect(page.Locator("#curl-text")).ToContainTextAsync("curl -X 'POST'");
        await Expect(page.Locator("#curl-text")).ToContainTextAsync("Authorization: [redacted]");
        await page.ClickAsync("#curl-close");

        // The README's picture: the list with both tunnels and the original request's body.
        await page.ClickAsync($"#requests tbody tr[data-id='{original}']");
        await page.ClickAsync("#side-tabs [data-side=request]");
        await page.ClickAsync("#view-tabs [data-view=body]");
        await Expect(page.Locator("#body")).ToContainTextAsync("\"ada\"");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("inspector.png") });
    }

    private async Task Public(HttpMethod method, string path, string tunnel, string? json = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, _rig.Public(path, tunnel));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _rig.Host.PublicClient.SendAsync(request);
    }
}
