using System.Diagnostics.Metrics;

namespace Burrow.Server;

/// <summary>
/// The one meter every feature of the server records on (each feature creates its own instruments on it, as
/// Acme/AcmeMetrics does); Observability/ exports it, with the runtime's meter, at /metrics.
/// </summary>
internal static class ServerMeter
{
    public const string Name = "Burrow.Server";

    /// <summary>
    /// <c>burrow.rate_limited</c> {limit}: recorded by several features (registration, the channel port). OpenTelemetry
    /// merges instruments of one meter with the same name, unit and description into one metric, so each feature
    /// creates it through here.
    /// </summary>
    public static Counter<long> CreateRateLimited(Meter meter)
        => meter.CreateCounter<long>("burrow.rate_limited", unit: "{event}", description: "Requests and connections turned away by a rate limit, by limit.");
}
