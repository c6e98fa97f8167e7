using System.Diagnostics;
using System.Text.Json;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>HAR 1.2 export, copy as curl, and the masking of credentials, on real captured traffic.</summary>
public sealed class ExportTests : IAsyncLifetime
{
    private InspectorRig _rig = null!;
    private long _id;

    public async Task InitializeAsync()
    {
        _rig = await InspectorRig.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, _rig.Public("/echo?x=1&y=a%20b"))
        {
            Content = new StringContent("{\"k\":\"v\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer top-secret");
        request.Headers.TryAddWithoutValidation("Cookie", "session=s3cr3t; theme=dark");
        request.Headers.TryAddWithoutValidation("X-Plain", "visible");
        using var response = await _rig.Host.PublicClient.SendAsync(request);
        response.EnsureSuccessStatusCode();
        _id = (await _rig.WaitForAsync(e => e.Path == "/echo?x=1&y=a%20b")).Id;
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Har_export_has_every_field_HAR_1_2_requires()
    {
        var one = await _rig.GetJsonAsync($"/api/requests/{_id}/har");
        HarShape.Validate(one);
        var entry = Assert.Single(one.GetProperty("log").GetProperty("entries").EnumerateArray());
        var request = entry.GetProperty("request");
        Assert.Equal("POST", request.Str("method"));
        Assert.Equal($"http://inspect.localhost:{_rig.Host.Server.HttpPort}/echo?x=1&y=a%20b", request.Str("url"));
        Assert.Equal([("x", "1"), ("y", "a b")], request.GetProperty("queryString").EnumerateArray().Select(q => (q.Str("name"), q.Str("value"))));
        Assert.Equal("{\"k\":\"v\"}", request.GetProperty("postData").Str("text"));
        Assert.Equal(200, entry.GetProperty("response").GetProperty("status").GetInt32());
        Assert.Contains("POST /echo?x=1&y=a%20b", entry.GetProperty("response").GetProperty("content").Str("text"), StringComparison.Ordinal);

        using var more = await _rig.Host.PublicClient.GetAsync(_rig.Public("/status/404"));
        await _rig.WaitForAsync(e => e.Path == "/status/404");
        var all = await _rig.GetJsonAsync("/api/requests/har");
        HarShape.Validate(all);
        Assert.Equal(["/echo?x=1&y=a%20b", "/status/404"], all.GetProperty("log").GetProperty("entries").EnumerateArray().Select(e => new Uri(e.GetProperty("request").Str("url")).PathAndQuery));
    }

    [Fact]
    public async Task Credentials_are_masked_in_the_api_and_redacted_in_exports_unless_asked()
    {
        var detail = await _rig.DetailAsync(_id);
        var request = detail.GetProperty("request");
        Assert.Equal("[redacted]", request.Header("Authorization"));
        Assert.Equal("[redacted]", request.Header("Cookie"));
        Assert.Equal("visible", request.Header("X-Plain"));
        Assert.Equal("[redacted]", detail.GetProperty("response").Header("Set-Cookie"));
        Assert.True(request.GetProperty("headers").EnumerateArray().First(h => h.Str("name") == "Authorization").GetProperty("sensitive").GetBoolean());
        Assert.DoesNotContain("top-secret", request.Str("rawHead"), StringComparison.Ordinal);
        Assert.Contains("Authorization: [redacted]", request.Str("rawHead"), StringComparison.Ordinal);

        // Only the credential fields are masked: the local server's echo of them is body, shown as it was sent.

        var revealed = (await _rig.DetailAsync(_id, "?reveal=1")).GetProperty("request");
        Assert.Equal("Bearer top-secret", revealed.Header("Authorization"));

        var har = HeadersAndCookies(await _rig.GetJsonAsync($"/api/requests/{_id}/har"));
        Assert.DoesNotContain("top-secret", har, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", har, StringComparison.Ordinal);
        Assert.DoesNotContain("a=1", har, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"theme\",\"value\":\"[redacted]\"", har, StringComparison.Ordinal);
        var clear = HeadersAndCookies(await _rig.GetJsonAsync($"/api/requests/{_id}/har?redact=0"));
        Assert.Contains("Bearer top-secret", clear, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"session\",\"value\":\"s3cr3t\"", clear, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"a\",\"value\":\"1\"", clear, StringComparison.Ordinal);

        var curl = await _rig.Api.GetStringAsync(new Uri($"/api/requests/{_id}/curl", UriKind.Relative));
        Assert.Contains("-H 'Authorization: [redacted]'", curl, StringComparison.Ordinal);
        Assert.Contains("Bearer top-secret", await _rig.Api.GetStringAsync(new Uri($"/api/requests/{_id}/curl?redact=0", UriKind.Relative)), StringComparison.Ordinal);
    }

    /// <summary>The header and cookie lists of a HAR's entries (bodies left out: an echo repeats credentials as body).</summary>
    private static string HeadersAndCookies(JsonElement har)
        => string.Join('\n', har.GetProperty("log").GetProperty("entries").EnumerateArray()
            .SelectMany(e => new[] { e.GetProperty("request"), e.GetProperty("response") })
            .SelectMany(m => new[] { m.GetProperty("headers").GetRawText(), m.GetProperty("cookies").GetRawText() }));

    [Fact]
    public async Task Copied_curl_command_sends_the_same_request_through_the_tunnel()
    {
        var curl = await _rig.Api.GetStringAsync(new Uri($"/api/requests/{_id}/curl?redact=0", UriKind.Relative));

        // The public URL's name resolves to loopback only in curl's own resolver; point it at the test server.
        var command = curl.TrimEnd() + $" --silent --resolve inspect.localhost:{_rig.Host.Server.HttpPort}:127.0.0.1";
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, process.ExitCode);

        var original = (await _rig.DetailAsync(_id, "?reveal=1")).GetProperty("response").GetProperty("body").Str("text");
        Assert.Equal(Lines(original), Lines(output));

        // curl sends its own Accept and User-Agent only where the captured request had none; the rest is the same.
        static string[] Lines(string echo) => [.. echo.Split('\n').Where(l => !l.StartsWith("accept:", StringComparison.Ordinal) && !l.StartsWith("user-agent:", StringComparison.Ordinal))];
    }
}
