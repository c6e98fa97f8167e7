using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Burrow.Agent.Telemetry;

/// <summary>
/// The agent's spans and instruments, on the "Burrow.Agent" activity source and meter. Recording costs next to
/// nothing until something listens: <c>--metrics</c> (a Prometheus endpoint, <see cref="MetricsListener"/>) or
/// <c>--otlp-endpoint</c> (spans exported over OTLP). Each forwarded request gets a span whose parent is the edge's
/// span, read from the W3C <c>traceparent</c> the server put on the request (https://www.w3.org/TR/trace-context/).
/// </summary>
public static class AgentTelemetry
{
    public const string Name = "Burrow.Agent";

    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly string[] Classes = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("burrow.agent.requests", unit: "{request}", description: "HTTP requests forwarded to local servers, by tunnel and status class.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram(
        "burrow.agent.request.duration",
        unit: "s",
        description: "Time from a request's first byte to the end of the local server's response, by tunnel.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    private static readonly Counter<long> Transferred = Meter.CreateCounter<long>("burrow.agent.transferred", unit: "By", description: "Bytes between the channel and local servers, by tunnel and direction (in: to the local server).");
    private static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("burrow.agent.connections.active", unit: "{connection}", description: "Connections to local servers open now, by tunnel.");
    private static readonly Counter<long> Unreachable = Meter.CreateCounter<long>("burrow.agent.local_unreachable", unit: "{connection}", description: "Streams refused because the local server could not be reached, by tunnel.");

    /// <summary>Whether spans are recorded now (something listens to the agent's source).</summary>
    internal static bool IsTracing => Source.HasListeners();

    internal static void OnRequest(TunnelBinding tunnel, RequestSummary request)
    {
        var tag = new KeyValuePair<string, object?>("tunnel", tunnel.Name);
        Requests.Add(1, tag, new KeyValuePair<string, object?>("code", Classes[Math.Clamp(request.Status / 100, 1, 5) - 1]));
        Duration.Record(request.Duration.TotalSeconds, tag);
        if (Source.HasListeners())
        {
            RecordSpan(tunnel, request);
        }
    }

    internal static void OnBytes(TunnelBinding tunnel, bool toLocal, int bytes)
    {
        if (Transferred.Enabled)
        {
            Transferred.Add(bytes, new KeyValuePair<string, object?>("tunnel", tunnel.Name), new KeyValuePair<string, object?>("direction", toLocal ? "in" : "out"));
        }
    }

    internal static void OnConnection(TunnelBinding tunnel, int delta) => Connections.Add(delta, new KeyValuePair<string, object?>("tunnel", tunnel.Name));

    internal static void OnLocalUnreachable(TunnelBinding tunnel) => Unreachable.Add(1, new KeyValuePair<string, object?>("tunnel", tunnel.Name));

    /// <summary>
    /// The exchange is over when the agent knows its timing, so its span is made afterwards with the real start and
    /// end, as a child of the edge's span (or a root when the request carried no traceparent).
    /// </summary>
    private static void RecordSpan(TunnelBinding tunnel, RequestSummary request)
    {
        ActivityContext.TryParse(request.TraceParent, null, isRemote: true, out var parent);
        using var activity = Source.StartActivity("burrow.agent.forward", ActivityKind.Internal, parent, startTime: request.StartedAt);
        if (activity is null)
        {
            return;
        }

        activity.DisplayName = $"{request.Method} {tunnel.Name}";
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.request.method", request.Method);
            activity.SetTag("url.path", request.Path.Split('?')[0]);
            activity.SetTag("http.response.status_code", request.Status);
            activity.SetTag("burrow.tunnel", tunnel.Name);
            activity.SetTag("server.address", tunnel.Target.LocalHost);
            activity.SetTag("server.port", tunnel.Target.LocalPort);
        }

        activity.SetEndTime((request.StartedAt + request.Duration).UtcDateTime);
    }
}
