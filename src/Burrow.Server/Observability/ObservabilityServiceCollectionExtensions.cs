using System.Diagnostics.Metrics;
using Burrow.Server.Observability.AccessLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Burrow.Server.Observability;

/// <summary>
/// Metrics, traces and the access log. Every feature records on the "Burrow.Server" meter; OpenTelemetry collects it
/// and the runtime's own meter ("System.Runtime": GC, heap, thread pool, CPU time, working set) for the Prometheus
/// endpoint on the admin listener. Traces go to an OTLP endpoint when one is configured, else nothing listens.
/// </summary>
internal static class ObservabilityServiceCollectionExtensions
{
    public static IServiceCollection AddBurrowObservability(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddSingleton<IValidateOptions<AccessLogOptions>, AccessLogOptionsValidator>();
        services.AddSingleton<TrafficTable>();
        services.AddSingleton<AccessLogWriter>();
        services.AddSingleton<EdgeMetrics>();
        services.AddSingleton<EdgeTelemetry>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("burrow-server", serviceVersion: typeof(ObservabilityServiceCollectionExtensions).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(ServerMeter.Name, "System.Runtime")

                    // Every scrape sees the counts as they are now (the default caches a response for 300 ms); the
                    // endpoint is on the admin listener only, so a scrape flood is not a visitor's to make.
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);

                // OpenTelemetry listens to meters by name, process-wide: a second server in the same process (tests, the
                // benchmark) has a "Burrow.Server" meter too, and its counts would be added to ours. Only this
                // container's meters (made by its IMeterFactory) are kept.
                ((IDeferredMeterProviderBuilder)metrics).Configure((provider, builder) =>
                {
                    var factory = provider.GetRequiredService<IMeterFactory>();
                    builder.AddView(instrument => instrument.Meter.Name == ServerMeter.Name && !ReferenceEquals(instrument.Meter.Scope, factory) ? MetricStreamConfiguration.Drop : null);
                });
            })
            .WithTracing(tracing => ((IDeferredTracerProviderBuilder)tracing).Configure((provider, builder) =>
            {
                var options = provider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
                if (options.OtlpEndpoint is null)
                {
                    return;
                }

                // Created here rather than with AddOtlpExporter, which must be called before the container is built:
                // whether there is an endpoint is known only once the options are bound (and validated).
#pragma warning disable CA2000 // The processor owns the exporter, and the tracer provider the processor.
                var exporter = new OtlpTraceExporter(new OtlpExporterOptions
                {
                    Endpoint = new Uri(options.OtlpEndpoint),
                    Protocol = options.OtlpProtocol == "http" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc,
                });
                builder.AddSource(ServerMeter.Name).AddProcessor(new BatchActivityExportProcessor(exporter));
#pragma warning restore CA2000
            }));
        return services;
    }
}
