using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Burrow.Server;
using Burrow.Testing;
using Burrow.Testing.Browser;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Burrow.Tests;

/// <summary>
/// Issue 17: Ctrl-C on a `burrow http` a web developer keeps open all day, with a browser tab on a dev server's page
/// whose hot-reload WebSocket runs through the tunnel. A real server, the real `burrow` binary as a child process, a
/// dev-server stand-in (<see cref="DevServerTestApp"/>) and a real headless Chromium.
/// </summary>
public sealed class DevServerShutdownTests : IAsyncLifetime
{
    /// <summary>Far longer than any test waits: a stop that comes back at all did not wait for the drain timeout.</summary>
    private const int DrainTimeoutSeconds = 600;

    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);

    /// <summary>What the page writes when its WebSocket closes ("close 1006": the connection dropped, no close frame).</summary>
    private static readonly Regex Closed = new("^close \\d+$");

    private readonly ITestOutputHelper _output;
    private TunnelTestHost _host = null!;
    private DevServerTestApp _app = null!;
    private ChromiumSession _browser = null!;
    private (string User, string Token)? _account;

    public DevServerShutdownTests(ITestOutputHelper output)
    {
        _output = output;

        // Playwright's assertions wait 5 s by default; on a loaded 2-core machine a reload through the tunnel can take longer.
        SetDefaultExpectTimeout(15_000);
    }

    public async Task InitializeAsync()
    {
        // The server's own grace is as long as the agent's: whatever ends a drain here, it is not a timeout.
        _host = await TunnelTestHost.StartAsync(s => s.Channels(c => c.ShutdownGracePeriod = TimeSpan.FromSeconds(DrainTimeoutSeconds)));
        _app = await DevServerTestApp.StartAsync();
        _browser = await ChromiumSession.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _host.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Ctrl_c_with_a_hot_reload_websocket_open_exits_at_once_and_the_page_sees_the_close()
    {
        await using var agent = await StartAgentAsync("hmr");
        var page = await OpenPageAsync("hmr");

        var stopwatch = Stopwatch.StartNew();
        agent.Interrupt();
        var code = await agent.WaitForExitAsync(ExitWait);
        _output.WriteLine($"SIGINT to exit: {stopwatch.Elapsed.TotalMilliseconds:0} ms (drain timeout {DrainTimeoutSeconds} s)");

        Assert.Equal(0, code);
        await Expect(page.Locator("#log li").Last).ToHaveTextAsync(Closed);
        await _app.WaitForSocketsEndedAsync(1);
        Assert.Contains(agent.Lines, l => l.EndsWith(" stopped", StringComparison.Ordinal));
        await _host.Logs.WaitForAsync(ServerEventIds.ChannelRemoved, "hmr of alice");
        Assert.Contains(_host.Logs.Entries, e => e.EventId == ServerEventIds.ChannelRemoved && e.Message.EndsWith("closed: the agent stopped", StringComparison.Ordinal));
        Assert.Empty(_host.Logs.Loud);
    }

    [Fact]
    public async Task First_ctrl_c_waits_for_requests_in_flight_and_a_second_quits_at_once_with_130()
    {
        await using var agent = await StartAgentAsync("slow");
        var page = await OpenPageAsync("slow");
        var first = _host.PublicClient.GetAsync(_host.PublicUri("slow", "/slow?id=first"));
        var second = _host.PublicClient.GetAsync(_host.PublicUri("slow", "/slow?id=second"));
        await _app.WaitForHeldAsync("first");
        await _app.WaitForHeldAsync("second");

        // First Ctrl-C: one line with the count, the WebSocket closed at once while the requests go on.
        agent.Interrupt();
        await agent.WaitForLineAsync(l => l.EndsWith("draining 2 requests (Ctrl-C again to quit now)", StringComparison.Ordinal));
        await Expect(page.Locator("#log li").Last).ToHaveTextAsync(Closed);

        // A request in flight finishes, through the draining tunnel.
        _app.Release("first");
        using (var response = await first.WaitAsync(ExitWait))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("slow first done", await response.Content.ReadAsStringAsync());
        }

        Assert.False(agent.HasExited, "the agent left before the second request was done");

        // Second Ctrl-C: out now, 130, and the request still held is cut off.
        var stopwatch = Stopwatch.StartNew();
        agent.Interrupt();
        var code = await agent.WaitForExitAsync(ExitWait);
        _output.WriteLine($"second SIGINT to exit: {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(130, code);
        var cut = await CompletesAsync(second);
        Assert.True(cut is null or HttpStatusCode.BadGateway, $"the cut request answered {cut}");

        await _host.Logs.WaitForAsync(ServerEventIds.ChannelRemoved, "slow of alice");
        Assert.Empty(_host.Logs.Loud);
    }

    [Fact]
    public async Task A_file_saved_during_the_drain_reaches_the_page_when_the_agent_is_back_and_nothing_breaks()
    {
        await using var agent = await StartAgentAsync("save");
        var page = await OpenPageAsync("save");
        var modules = new List<int>();
        page.Response += (_, response) =>
        {
            if (response.Url.Contains("/main.js", StringComparison.Ordinal))
            {
                lock (modules)
                {
                    modules.Add(response.Status);
                }
            }
        };

        // A hot update while the tunnel is up: pushed over the WebSocket, the changed module fetched through the tunnel.
        await Expect(page.Locator("#log")).ToContainTextAsync("module: v1");
        Assert.Equal(1, await _app.SaveAsync("v2"));
        await Expect(page.Locator("#log")).ToContainTextAsync("module: v2");

        // Ctrl-C with a request in flight: the page's socket closes at once, so a file saved during the drain has no
        // socket to be announced on, and the page fetches nothing through the draining tunnel.
        var held = _host.PublicClient.GetAsync(_host.PublicUri("save", "/slow?id=save"));
        await _app.WaitForHeldAsync("save");
        agent.Interrupt();
        await agent.WaitForLineAsync(l => l.EndsWith("draining 1 request (Ctrl-C again to quit now)", StringComparison.Ordinal));
        await Expect(page.Locator("#log li").Last).ToHaveTextAsync(Closed);
        Assert.Equal(0, await _app.SaveAsync("v3"));
        _app.Release("save");
        using (var response = await held.WaitAsync(ExitWait))
        {
            Assert.Equal("slow save done", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, await agent.WaitForExitAsync(ExitWait));
        Assert.DoesNotContain("failed", await page.Locator("#log").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);

        // The agent again: the page's client finds the dev server reachable, reloads, and runs the saved module.
        await using var again = await StartAgentAsync("save");
        await Expect(page.Locator("#log")).ToContainTextAsync("module: v3");
        await Expect(page.Locator("#log")).ToContainTextAsync("open");
        Assert.DoesNotContain("failed", await page.Locator("#log").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        lock (modules)
        {
            Assert.All(modules, status => Assert.Equal(200, status));
            Assert.True(modules.Count >= 2, $"{modules.Count} module fetches seen");
        }

        Assert.Empty(_host.Logs.Loud);
    }

    [Fact]
    public async Task Killed_agent_closes_the_page_websocket_without_a_stack_trace_on_the_server()
    {
        await using var agent = await StartAgentAsync("gone");
        var page = await OpenPageAsync("gone");

        agent.Kill();
        await Expect(page.Locator("#log li").Last).ToHaveTextAsync(Closed);
        await _host.Logs.WaitForAsync(ServerEventIds.ChannelRemoved, "gone of alice");
        Assert.Empty(_host.Logs.Loud);
    }

    private async Task<BurrowProcess> StartAgentAsync(string name)
    {
        // One account per test: a restarted agent takes its name back as the same user.
        _account ??= _host.CreateUser("alice");
        var (user, token) = _account.Value;
        var agent = BurrowProcess.Start(
        [
            "http", $"{_app.Port}", "--host", "127.0.0.1", "--server", $"http://127.0.0.1:{_host.Server.HttpPort}", "--user", user,
            "--token", token, "--name", name, "--log-format", "text", "--inspect", "off", "--drain-timeout", $"{DrainTimeoutSeconds}",
        ]);
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));
        return agent;
    }

    /// <summary>Loads the dev server's page through the tunnel and sees a pushed update arrive over its WebSocket.</summary>
    private async Task<IPage> OpenPageAsync(string name)
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_host.PublicUri(name).ToString());
        await Expect(page.Locator("#log")).ToContainTextAsync("open");
        await _app.WaitForOpenSocketsAsync(1);
        await _app.PushAsync("update 1");
        await Expect(page.Locator("#log")).ToContainTextAsync("message: update 1");
        return page;
    }

    /// <summary>The status a request ended with, or null when its connection broke.</summary>
    private static async Task<HttpStatusCode?> CompletesAsync(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request.WaitAsync(ExitWait);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
