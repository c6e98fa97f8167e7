using System.Net;
using Burrow.Agent.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Burrow.Telemetry;

/// <summary>
/// The agent's <c>--metrics ADDRESS</c>: a small Kestrel server answering <c>GET /metrics</c> in the Prometheus text
/// format with the "Burrow.Agent" meter (requests, durations, bytes, local connections) and the runtime's meter. It
/// lives as long as the agent's run and serves nothing else.
/// </summary>
internal sealed class AgentMetricsEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AgentMetricsEndpoint(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where the metrics are, e.g. http://127.0.0.1:9464/metrics (the real port when 0 was asked for).</summary>
    public Uri Url { get; }

    /// <exception cref="IOException">The address cannot be bound (in use, not ours).</exception>
    public static async Task<AgentMetricsEndpoint> StartAsync(IPEndPoint address, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AgentTelemetry.Name, "System.Runtime")

            // Each scrape sees the counts as they are now (the exporter's default caches a response for 300 ms).
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var bound = app.Urls.First();
        var port = new Uri(bound).Port;
        var host = address.Address.Equals(IPAddress.Any) || address.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : address.Address;
        return new AgentMetricsEndpoint(app, new Uri($"http://{new IPEndPoint(host, port)}/metrics"));
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(stopping.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
