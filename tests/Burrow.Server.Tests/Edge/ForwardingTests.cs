using System.Net;
using System.Security.Cryptography;
using System.Text;
using Burrow.Testing;

namespace Burrow.Server.Tests.Edge;

/// <summary>End to end: public HTTP client -> Kestrel edge -> YARP -> mux stream -> agent -> local Kestrel.</summary>
public sealed class ForwardingTests : IAsyncLifetime
{
    private TunnelScenario _scenario = null!;

    public async Task InitializeAsync() => _scenario = await TunnelScenario.StartAsync("demo");

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task Get_arrives_with_method_path_query_and_headers_unchanged()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _scenario.PublicUri("/echo?a=1&b=two%20words&a=3"));
        request.Headers.Add("X-Custom", "hello");
        request.Headers.TryAddWithoutValidation("X-Repeated", ["one", "two"]);
        using var response = await _scenario.PublicClient.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("GET /echo?a=1&b=two%20words&a=3\n", body, StringComparison.Ordinal);
        Assert.Contains("x-custom: hello\n", body, StringComparison.Ordinal);
        Assert.Contains("x-repeated: one, two", body, StringComparison.Ordinal);
        Assert.Contains($"host: demo.localhost:{_scenario.Host.Server.HttpPort}\n", body, StringComparison.Ordinal);
        Assert.Contains("x-forwarded-for: 127.0.0.1\n", body, StringComparison.Ordinal);
        Assert.Contains("x-forwarded-proto: http\n", body, StringComparison.Ordinal);
        Assert.Contains($"x-forwarded-host: demo.localhost:{_scenario.Host.Server.HttpPort}\n", body, StringComparison.Ordinal);
        Assert.Equal(["a=1; Path=/", "b=2; Path=/"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal("1", response.Headers.GetValues("X-Echo").Single());
    }

    [Fact]
    public async Task Post_body_arrives_unchanged()
    {
        using var content = new StringContent("héllo wörld", Encoding.UTF8, "text/plain");
        using var response = await _scenario.PublicClient.PostAsync(_scenario.PublicUri("/echo"), content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("POST /echo\n", body, StringComparison.Ordinal);
        Assert.Contains("content-type: text/plain; charset=utf-8\n", body, StringComparison.Ordinal);
        Assert.EndsWith("\n\nhéllo wörld", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(204)]
    [InlineData(302)]
    [InlineData(404)]
    [InlineData(418)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Status_codes_pass_through(int status)
    {
        using var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri($"/status/{status}"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("X-Burrow-Error"));
    }

    [Fact]
    public async Task Ten_MiB_download_arrives_with_the_same_sha256()
    {
        const long size = 10L * 1024 * 1024;
        using var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri($"/download?size={size}"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var actual = await SHA256.HashDataAsync(body);

        var expected = new byte[size];
        LocalTestServer.Fill(expected, 0);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(expected)), Convert.ToHexString(actual));
    }

    [Fact]
    public async Task Ten_MiB_upload_arrives_with_the_same_sha256()
    {
        var payload = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);
        using var content = new ByteArrayContent(payload);
        using var response = await _scenario.PublicClient.PostAsync(_scenario.PublicUri("/upload"), content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{payload.Length} {Convert.ToHexString(SHA256.HashData(payload))}", body);
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_each_get_their_own_answer()
    {
        var requests = Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri($"/id/{i}"));
            return (i, response.StatusCode, await response.Content.ReadAsStringAsync());
        });

        var results = await Task.WhenAll(requests);
        Assert.All(results, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal($"answer {r.i}", r.Item3);
        });
    }
}
