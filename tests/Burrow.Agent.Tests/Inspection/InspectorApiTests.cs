using System.Net;
using System.Net.Sockets;
using System.Text;
using Burrow.Agent.Inspection;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>The inspector's API around the capture: filters, live events, clearing, tunnels, and its guards.</summary>
public sealed class InspectorApiTests : IAsyncLifetime
{
    private InspectorRig _rig = null!;

    public async Task InitializeAsync() => _rig = await InspectorRig.StartAsync(configure: null, "web", "shop");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Filters_select_by_path_method_status_duration_header_and_tunnel()
    {
        await Send(HttpMethod.Get, "/status/404", "web");
        await Send(HttpMethod.Post, "/echo?find-me", "web", ("X-Team", "blue"));
        await Send(HttpMethod.Get, "/id/7", "shop");
        await Send(HttpMethod.Get, "/status/503", "shop");
        await _rig.WaitForAsync(e => e.Path == "/status/503");

        Assert.Equal(["/echo?find-me"], await PathsAsync("path=FIND"));
        Assert.Equal(["/echo?find-me"], await PathsAsync("method=post"));
        Assert.Equal(["/status/503", "/status/404"], await PathsAsync("status=4xx,500-599"));
        Assert.Equal(["/status/404"], await PathsAsync("status=404"));
        Assert.Equal(["/echo?find-me"], await PathsAsync("header=X-Team:blu"));
        Assert.Equal(["/echo?find-me"], await PathsAsync("header=X-Team"));
        Assert.Equal(["/echo?find-me"], await PathsAsync("header=:blue"));
        Assert.Equal(["/status/503", "/id/7"], await PathsAsync("tunnel=shop"));
        Assert.Empty(await PathsAsync("minDuration=600000"));
        Assert.Equal(4, (await PathsAsync("minDuration=0&maxDuration=600000")).Length);
        Assert.Equal(["/status/503"], await PathsAsync("limit=1"));

        var tunnels = (await _rig.GetJsonAsync("/api/tunnels")).GetProperty("tunnels").EnumerateArray().Select(t => t.Str("name"));
        Assert.Equal(["shop", "web"], tunnels);
    }

    [Theory]
    [InlineData("status=teapot", "status 'teapot'")]
    [InlineData("minDuration=-1", "minDuration")]
    [InlineData("limit=0", "limit")]
    public async Task Bad_filter_is_a_400_naming_it(string query, string error)
    {
        using var response = await _rig.Api.GetAsync(new Uri("/api/requests?" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(error, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_stream_announces_each_exchange_and_a_clear()
    {
        using var events = await _rig.Api.GetStreamAsync(new Uri("/api/events", UriKind.Relative));
        using var reader = new StreamReader(events);
        Assert.Equal("retry: 1000", await reader.ReadLineAsync());

        await Send(HttpMethod.Get, "/id/live", "web");
        var data = await NextEventAsync(reader, "exchange", line => line.Contains("\"path\":\"/id/live\"", StringComparison.Ordinal) && line.Contains("\"state\":\"complete\"", StringComparison.Ordinal));
        Assert.Contains("\"tunnel\":\"web\"", data, StringComparison.Ordinal);

        using var clear = await _rig.Api.DeleteAsync(new Uri("/api/requests", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, clear.StatusCode);
        await NextEventAsync(reader, "clear", _ => true);
        Assert.Equal(0, (await _rig.GetJsonAsync("/api/requests")).GetProperty("requests").GetArrayLength());
    }

    [Fact]
    public async Task Page_and_its_assets_are_served_from_the_assembly()
    {
        var page = await _rig.Api.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("<script src=\"/app.js\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("EventSource", await _rig.Api.GetStringAsync(new Uri("/app.js", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _rig.Api.GetAsync(new Uri("/nothing.js", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("127.0.0.1.nip.io")]
    public async Task A_host_name_other_than_localhost_is_refused_against_dns_rebinding(string host)
    {
        var (status, body) = await RawAsync($"GET /api/requests HTTP/1.1\r\nHost: {host}:{_rig.Inspector.Url.Port}\r\nConnection: close\r\n\r\n");
        Assert.Equal(403, status);
        Assert.Contains("DNS rebinding", body, StringComparison.Ordinal);
        Assert.Equal(200, (await RawAsync($"GET /api/requests HTTP/1.1\r\nHost: localhost:{_rig.Inspector.Url.Port}\r\nConnection: close\r\n\r\n")).Status);
    }

    [Fact]
    public async Task A_page_from_another_origin_cannot_replay_or_clear()
    {
        await Send(HttpMethod.Get, "/id/1", "web");
        var id = (await _rig.WaitForAsync(e => e.Path == "/id/1")).Id;
        var port = _rig.Inspector.Url.Port;
        var count = _rig.Store.Snapshot().Count;

        var replay = await RawAsync($"POST /api/requests/{id}/replay HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        Assert.Equal(403, replay.Status);
        var clear = await RawAsync($"DELETE /api/requests HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nSec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n");
        Assert.Equal(403, clear.Status);
        Assert.Equal(count, _rig.Store.Snapshot().Count);

        var own = await RawAsync($"POST /api/requests/{id}/replay HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        Assert.Equal(201, own.Status);
    }

    [Fact]
    public async Task A_taken_default_port_moves_to_the_next_and_a_named_one_fails_clearly()
    {
        var taken = _rig.Inspector.Url.Port;
        await using (var next = await RequestInspector.StartAsync(new InspectorOptions { Address = new IPEndPoint(IPAddress.Loopback, taken) }))
        {
            Assert.True(next.Url.Port > taken && next.Url.Port < taken + InspectorServerPortAttempts, $"{next.Url}");
        }

        var failure = await Assert.ThrowsAsync<AgentException>(() => RequestInspector.StartAsync(new InspectorOptions { Address = new IPEndPoint(IPAddress.Loopback, taken), FallBackToNextPort = false }));
        Assert.Equal(AgentExitCode.ConfigError, failure.ExitCode);
        Assert.Contains($"cannot listen on 127.0.0.1:{taken}", failure.Message, StringComparison.Ordinal);
    }

    private const int InspectorServerPortAttempts = Burrow.Agent.Inspection.Web.InspectorServer.PortAttempts;

    private async Task Send(HttpMethod method, string path, string tunnel, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, _rig.Public(path, tunnel));
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("x");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await _rig.Host.PublicClient.SendAsync(request);
        await _rig.WaitForAsync(e => e.Path == path);
    }

    private async Task<string[]> PathsAsync(string query)
        => [.. (await _rig.GetJsonAsync("/api/requests?summary=1&" + query)).GetProperty("requests").EnumerateArray().Select(r => r.Str("path"))];

    private static async Task<string> NextEventAsync(StreamReader reader, string name, Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var current = "";
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                current = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && current == name && match(line))
            {
                return line["data: ".Length..];
            }
        }

        throw new InvalidOperationException("the event stream ended");
    }

    /// <summary>One raw request on its own connection (to set Host and Origin exactly); returns status and body.</summary>
    private async Task<(int Status, string Body)> RawAsync(string request)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _rig.Inspector.Url.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return (int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture), text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }
}
