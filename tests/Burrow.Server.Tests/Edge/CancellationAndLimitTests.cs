using System.Net;
using System.Net.Http.Headers;
using Burrow.Protocol;
using Burrow.Testing;

namespace Burrow.Server.Tests.Edge;

/// <summary>Either end going away mid-response, and the edge's limits hit on purpose.</summary>
public sealed class CancellationAndLimitTests
{
    [Fact]
    public async Task Public_client_that_disconnects_mid_response_makes_the_agent_close_its_local_connection()
    {
        await using var scenario = await TunnelScenario.StartAsync("quit");
        var local = scenario.Local;

        using (var response = await scenario.PublicClient.GetAsync(scenario.PublicUri($"/slow-write?size={8L * 1024 * 1024 * 1024}"), HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.ReadExactlyAsync(new byte[256 * 1024]);
        }

        await local.WaitForAbortedRequestsAsync(1);
        Assert.True(local.AbortedRequests == 1, $"aborted {local.AbortedRequests}, local server wrote {local.SlowWriteProgress} bytes");
    }

    [Fact]
    public async Task Local_server_dying_mid_response_gives_the_public_client_a_broken_response_not_a_hang()
    {
        await using var scenario = await TunnelScenario.StartAsync("crash");

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await scenario.PublicClient.GetAsync(scenario.PublicUri("/die"), HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            await body.ReadExactlyAsync(buffer.AsMemory(0, 1000));

            // The response is under way (headers and the first bytes are here): now the local server dies.
            scenario.Local.Die();
            while (await body.ReadAsync(buffer) > 0)
            {
            }
        }).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(failure is HttpRequestException or IOException, failure.GetType().Name);
    }

    [Fact]
    public async Task Expect_100_continue_upload_goes_through()
    {
        await using var scenario = await TunnelScenario.StartAsync("expect");

        using var request = new HttpRequestMessage(HttpMethod.Post, scenario.PublicUri("/continue")) { Content = new ByteArrayContent(new byte[100_000]) };
        request.Headers.ExpectContinue = true;
        using var response = await scenario.PublicClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("got 100000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Streams_beyond_the_channel_limit_get_503_and_are_logged_while_other_tunnels_work()
    {
        await using var scenario = await TunnelScenario.StartAsync("busy", s => s.Channels(o => o.Mux.MaxConcurrentStreams = 2));
        var host = scenario.Host;
        await scenario.StartAgentAsync("other");

        // Two event streams hold the channel's two streams open: the local server sends an event every 100 ms for a
        // minute, far longer than the test needs, and stops when the responses are disposed at the end.
        var slow = Enumerable.Range(0, 2).Select(_ => host.PublicClient.GetAsync(scenario.PublicUri("/sse?count=600&delayMs=100"), HttpCompletionOption.ResponseHeadersRead)).ToArray();
        await Task.WhenAll(slow);
        using var third = await host.PublicClient.GetAsync(scenario.PublicUri("/id/3"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.Contains("too many open connections", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await host.Logs.WaitForAsync(ServerEventIds.ForwardFailed, "busy.localhost");
        Assert.Equal("answer 4", await host.PublicClient.GetStringAsync(host.PublicUri("other", "/id/4")));
        foreach (var response in slow)
        {
            (await response).Dispose();
        }
    }

    [Fact]
    public async Task Oversized_request_headers_get_431_from_the_edge()
    {
        await using var host = await TunnelTestHost.StartAsync(s => s.Edge(o => o.MaxRequestHeadersSize = 4096));
        using var request = new HttpRequestMessage(HttpMethod.Get, host.PublicUri("any", "/"));
        request.Headers.TryAddWithoutValidation("X-Big", new string('a', 8000));
        using var response = await host.PublicClient.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Oversized_request_line_gets_414_from_the_edge()
    {
        await using var host = await TunnelTestHost.StartAsync(s => s.Edge(o => o.MaxRequestLineSize = 1024));
        using var response = await host.PublicClient.GetAsync(host.PublicUri("any", "/" + new string('a', 4000)));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }
}
