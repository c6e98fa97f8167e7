using System.Net;
using Burrow.Agent.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Burrow.Telemetry;

/// <summary>
/// What listens to the agent's meter and activity source during one run: the <c>--metrics</c> endpoint and the
/// <c>--otlp-endpoint</c> span exporter, either or both. Nothing is recorded when neither is asked for.
/// </summary>
internal sealed class AgentTelemetrySession : IAsyncDisposable
{
    private readonly AgentMetricsEndpoint? _metrics;
    private readonly TracerProvider? _tracer;

    private AgentTelemetrySession(AgentMetricsEndpoint? metrics, TracerProvider? tracer)
    {
        _metrics = metrics;
        _tracer = tracer;
    }

    public Uri? MetricsUrl => _metrics?.Url;

    public static async Task<AgentTelemetrySession?> StartAsync(IPEndPoint? metrics, Uri? otlpEndpoint, OtlpExportProtocol protocol, CancellationToken cancellationToken)
    {
        if (metrics is null && otlpEndpoint is null)
        {
            return null;
        }

        var endpoint = metrics is null ? null : await AgentMetricsEndpoint.StartAsync(metrics, cancellationToken);
        var tracer = otlpEndpoint is null ? null : Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService("burrow-agent", serviceVersion: typeof(AgentTelemetry).Assembly.GetName().Version?.ToString()))
            .AddSource(AgentTelemetry.Name)
            .AddOtlpExporter(otlp =>
            {
                otlp.Endpoint = otlpEndpoint;
                otlp.Protocol = protocol;
            })
            .Build();
        return new AgentTelemetrySession(endpoint, tracer);
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing the provider flushes the spans still batched.
        _tracer?.Dispose();
        if (_metrics is not null)
        {
            await _metrics.DisposeAsync();
        }
    }
}
