using System.Collections.Concurrent;
using System.Diagnostics;
using Burrow.Testing;

namespace Burrow.Server.Tests.Observability;

/// <summary>
/// Traces: the edge's span per public request exported over real OTLP/HTTP to a receiver on loopback, its traceparent
/// received by the local server, and the agent's span under it.
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task The_local_server_gets_the_edge_spans_traceparent_and_the_agents_span_is_its_child()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var agentSpans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Burrow.Agent.Telemetry.AgentTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = agentSpans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var scenario = await TunnelScenario.StartAsync("traced", settings => settings.Telemetry(telemetry =>
        {
            telemetry.OtlpEndpoint = collector.TracesUri.ToString();
            telemetry.OtlpProtocol = "http";
        }));

        // The visitor started a trace: the edge's span joins it, and the local server sees the edge's span as parent.
        const string VisitorTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string VisitorSpan = "00f067aa0ba902b7";
        using var request = new HttpRequestMessage(HttpMethod.Get, scenario.PublicUri("/echo?traced=1"));
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{VisitorTrace}-{VisitorSpan}-01");
        using var response = await scenario.PublicClient.SendAsync(request);
        var echo = await response.Content.ReadAsStringAsync();
        var received = echo.Split('\n').Single(l => l.StartsWith("traceparent: ", StringComparison.Ordinal))["traceparent: ".Length..].Split('-');
        Assert.Equal(["00", VisitorTrace], received[..2]);
        var edgeSpan = received[2];
        Assert.NotEqual(VisitorSpan, edgeSpan);
        Assert.Equal("01", received[3]);

        // The edge's span reached the collector over OTLP, with its trace, its id and the visitor's span as parent.
        await Poll.UntilAsync(() => collector.Contains(Convert.FromHexString(edgeSpan)), "the edge's span at the OTLP receiver");
        Assert.True(collector.Contains(Convert.FromHexString(VisitorTrace)));
        Assert.True(collector.Contains(Convert.FromHexString(VisitorSpan)));
        Assert.True(collector.Contains("burrow-server"u8.ToArray()));

        // The agent's span: same trace, child of the edge's span.
        await Poll.UntilAsync(() => agentSpans.Any(a => a.TraceId.ToHexString() == VisitorTrace), "the agent's span");
        var agent = agentSpans.Single(a => a.TraceId.ToHexString() == VisitorTrace);
        Assert.Equal(edgeSpan, agent.ParentSpanId.ToHexString());
        Assert.Equal("/echo", agent.GetTagItem("url.path"));
        Assert.Equal(200, agent.GetTagItem("http.response.status_code"));
        Assert.True(agent.Duration > TimeSpan.Zero);

        // Without a traceparent from the visitor the edge starts a trace of its own.
        var fresh = await TraceParentReceivedAsync(scenario, visitor: null);
        Assert.NotNull(fresh);
        Assert.NotEqual(VisitorTrace, fresh.Split('-')[1]);
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_the_edge_adds_no_trace_and_passes_a_visitors_through()
    {
        await using var scenario = await TunnelScenario.StartAsync("untraced");

        Assert.Null(await TraceParentReceivedAsync(scenario, visitor: null));
        const string Visitor = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Assert.Equal(Visitor, await TraceParentReceivedAsync(scenario, Visitor));
    }

    private static async Task<string?> TraceParentReceivedAsync(TunnelScenario scenario, string? visitor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, scenario.PublicUri("/echo"));
        if (visitor is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", visitor);
        }

        using var response = await scenario.PublicClient.SendAsync(request);
        var echo = await response.Content.ReadAsStringAsync();
        return echo.Split('\n').FirstOrDefault(l => l.StartsWith("traceparent: ", StringComparison.Ordinal))?["traceparent: ".Length..];
    }
}
