namespace Burrow.Server.Observability;

/// <summary>Metrics and traces. Configuration keys are the property names (flat).</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// Tunnels that get a label of their own in metrics (default 1,000); requests for tunnels beyond it are counted
    /// under <c>tunnel="other"</c>, so a server with many short-lived random names keeps a bounded number of series.
    /// </summary>
    public int MetricsTunnelLimit { get; set; } = 1000;

    /// <summary>
    /// OTLP endpoint that traces are exported to (default none: no spans are recorded, and the edge adds no trace
    /// header). With it, every public request gets a span and the local server a W3C <c>traceparent</c>.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>OTLP transport: "grpc" (default, port 4317) or "http" (protobuf over HTTP, port 4318).</summary>
    public string OtlpProtocol { get; set; } = "grpc";
}
