using System.Net;
using System.Text;
using System.Text.Json;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>Replay and edit-and-replay, from the agent straight to a real local server (its /echo shows what it got).</summary>
public sealed class ReplayTests : IAsyncLifetime
{
    private InspectorRig _rig = null!;

    public async Task InitializeAsync() => _rig = await InspectorRig.StartAsync(o => o.BodyLimit = 64 * 1024);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Replay_reaches_the_local_server_with_the_same_method_path_headers_and_body()
    {
        var original = await SendAsync(HttpMethod.Patch, "/echo?replay=1", "{\"same\":true}", ("X-Trace", "abc"), ("Authorization", "Bearer secret"));

        var (status, replayed) = await ReplayAsync(original, "");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(original, replayed.GetProperty("replayOf").GetInt64());
        Assert.Equal(("PATCH", "/echo?replay=1", 200), (replayed.Str("method"), replayed.Str("path"), replayed.GetProperty("status").GetInt32()));

        // What the local server echoed the first time and on replay is the same, bar the connection's own framing.
        var first = await EchoOfAsync(original);
        var again = await EchoOfAsync(replayed.GetProperty("id").GetInt64());
        Assert.Equal(WithoutConnection(first), WithoutConnection(again));
        Assert.Contains("authorization: Bearer secret", again, StringComparison.Ordinal);
        Assert.Contains("x-trace: abc", again, StringComparison.Ordinal);
        Assert.EndsWith("\n\n{\"same\":true}", again, StringComparison.Ordinal);

        // The replay is listed, linked to its original, and went nowhere near the public side.
        var list = await _rig.GetJsonAsync("/api/requests?summary=1");
        Assert.Contains(list.GetProperty("requests").EnumerateArray(), r => r.TryGetProperty("replayOf", out var of) && of.ValueKind == JsonValueKind.Number && of.GetInt64() == original);
        Assert.Single(_rig.Store.Snapshot(), e => e.ReplayOf is null && e.Path == "/echo?replay=1");
    }

    [Fact]
    public async Task Edited_method_path_headers_and_body_reach_the_local_server()
    {
        var original = await SendAsync(HttpMethod.Post, "/echo?before", "before", ("X-Old", "1"));
        var edits = JsonSerializer.Serialize(new
        {
            method = "PUT",
            path = "/echo?after",
            headers = new[] { new { name = "Host", value = "edited.example" }, new { name = "X-New", value = "yes ünïcode" }, new { name = "Content-Type", value = "text/plain" } },
            body = "after the edit",
        });

        var (status, replayed) = await ReplayAsync(original, edits);
        Assert.Equal(HttpStatusCode.Created, status);
        var echo = await EchoOfAsync(replayed.GetProperty("id").GetInt64());
        Assert.StartsWith("PUT /echo?after\n", echo, StringComparison.Ordinal);
        Assert.Contains("host: edited.example", echo, StringComparison.Ordinal);
        Assert.Contains("x-new: yes ünïcode", echo, StringComparison.Ordinal);
        Assert.DoesNotContain("x-old", echo, StringComparison.Ordinal);
        Assert.EndsWith("\n\nafter the edit", echo, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"headers\":[{\"name\":\"X-A\",\"value\":\"a\\r\\nX-Injected: 1\"}]}", "line break")]
    [InlineData("{\"headers\":[{\"name\":\"Bad Name\",\"value\":\"a\"}]}", "not a header name")]
    [InlineData("{\"method\":\"GET /x HTTP/1.1\\r\\n\"}", "method must be")]
    [InlineData("{\"path\":\"/a b\"}", "path must")]
    [InlineData("{\"path\":\"http://elsewhere/\"}", "path must")]
    [InlineData("{\"body\":\"a\",\"bodyBase64\":\"YQ==\"}", "not both")]
    [InlineData("{\"method\":", "not valid JSON")]
    [InlineData("[1]", "JSON object")]
    public async Task Bad_edits_are_refused_with_a_clear_error_and_nothing_is_sent(string edits, string error)
    {
        var original = await SendAsync(HttpMethod.Post, "/echo?bad", "x");
        var count = _rig.Store.Snapshot().Count;

        var (status, answer) = await ReplayAsync(original, edits);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(error, answer.Str("error"), StringComparison.Ordinal);
        Assert.Equal(count, _rig.Store.Snapshot().Count);
    }

    [Fact]
    public async Task Truncated_body_is_not_replayed_unless_a_body_is_given()
    {
        var big = new string('z', 100 * 1024);
        var original = await SendAsync(HttpMethod.Post, "/echo?big", big);

        var (refused, error) = await ReplayAsync(original, "{}");
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("send the body", error.Str("error"), StringComparison.Ordinal);

        var (status, replayed) = await ReplayAsync(original, "{\"bodyBase64\":\"c21hbGw=\"}");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.EndsWith("\n\nsmall", await EchoOfAsync(replayed.GetProperty("id").GetInt64()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_when_the_local_server_is_gone_is_a_502()
    {
        var original = await SendAsync(HttpMethod.Get, "/echo?gone", null);
        await _rig.Local.DisposeAsync();

        var (status, error) = await ReplayAsync(original, "");
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("cannot reach the local server", error.Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_id_is_a_404()
    {
        var (status, error) = await ReplayAsync(987654, "");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("no request 987654", error.Str("error"), StringComparison.Ordinal);
    }

    private async Task<long> SendAsync(HttpMethod method, string path, string? body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, _rig.Public(path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _rig.Host.PublicClient.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await _rig.WaitForAsync(e => e.Path == path && e.ReplayOf is null)).Id;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ReplayAsync(long id, string edits)
    {
        using var content = new StringContent(edits, Encoding.UTF8, "application/json");
        using var response = await _rig.Api.PostAsync(new Uri($"/api/requests/{id}/replay", UriKind.Relative), content);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>The local server's /echo answer, as the inspector captured it: what it received.</summary>
    private async Task<string> EchoOfAsync(long id) => (await _rig.DetailAsync(id, "?reveal=1")).GetProperty("response").GetProperty("body").Str("text");

    private static string WithoutConnection(string echo)
        => string.Join('\n', echo.Split('\n').Where(l => !l.StartsWith("connection:", StringComparison.Ordinal)));
}
