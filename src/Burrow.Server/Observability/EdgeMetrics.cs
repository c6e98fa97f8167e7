using System.Diagnostics.Metrics;
using Burrow.Server.Channels;
using Burrow.Server.Observability.AccessLog;

namespace Burrow.Server.Observability;

/// <summary>
/// The edge's instruments on the server meter: <c>burrow.requests</c> {tunnel, code} and <c>burrow.transferred</c>
/// {tunnel, direction} read from the <see cref="TrafficTable"/>, the <c>burrow.channel.rtt</c> gauge {tunnel} under the same
/// labels, the <c>burrow.request.duration</c> histogram {tunnel},
/// <c>burrow.refused</c> {reason}, <c>burrow.rate_limited</c> {limit=public_connections_per_network} and <c>burrow.access_log.dropped</c>. In Prometheus they read
/// <c>burrow_requests_total</c>, <c>burrow_transferred_bytes_total</c>, <c>burrow_request_duration_seconds</c>, ...
/// </summary>
internal sealed class EdgeMetrics
{
    /// <summary>Bucket bounds in seconds: a tunnel adds a few milliseconds, local servers take up to many seconds.</summary>
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private static readonly string[] Classes = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _rateLimited;

    public EdgeMetrics(IMeterFactory meters, TrafficTable traffic, TunnelRegistry registry, AccessLogWriter accessLog)
    {
        // The factory owns the meters it creates and disposes them with the service provider.
#pragma warning disable CA2000
        var meter = meters.Create(ServerMeter.Name);
#pragma warning restore CA2000
        _duration = meter.CreateHistogram(
            "burrow.request.duration",
            unit: "s",
            description: "Time from a public request's arrival to the end of its response, by tunnel.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _rateLimited = ServerMeter.CreateRateLimited(meter);
        _refused = meter.CreateCounter<long>("burrow.refused", unit: "{request}", description: "Public requests the edge answered itself, by reason.");
        meter.CreateObservableCounter("burrow.requests", () => Requests(traffic), unit: "{request}", description: "Public requests forwarded to tunnels, by tunnel and status class.");
        meter.CreateObservableCounter("burrow.transferred", () => Transferred(traffic), unit: "By", description: "Body bytes through tunnels, by tunnel and direction (in: to the local server).");
        meter.CreateObservableGauge("burrow.channel.rtt", () => RoundTrips(registry, traffic), unit: "s", description: "Round-trip time of live channels, from their PINGs, by tunnel label (a pool's slowest channel; 'other' the slowest of all tunnels without a label of their own).");
        meter.CreateObservableCounter("burrow.access_log.dropped", () => accessLog.Dropped, unit: "{line}", description: "Access log lines dropped because the writer fell behind.");
    }

    public void RecordDuration(string tunnel, double seconds) => _duration.Record(seconds, new KeyValuePair<string, object?>("tunnel", tunnel));

    public void Refused(EdgeRefusal reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", ReasonLabel(reason)));

    /// <summary>A public connection closed unread: its client network had <c>MaxConnectionsPerClient</c> open.</summary>
    public void ConnectionRefused() => _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", "public_connections_per_network"));

    private static string ReasonLabel(EdgeRefusal reason) => reason switch
    {
        EdgeRefusal.MemoryBudget => "memory_budget",
        EdgeRefusal.UserRequests => "user_requests",
        EdgeRefusal.UnknownTunnel => "unknown_tunnel",
        EdgeRefusal.TunnelOffline => "tunnel_offline",
        EdgeRefusal.ChannelStreams => "channel_streams",
        _ => "forward_failed",
    };

    private static IEnumerable<Measurement<long>> Requests(TrafficTable table)
    {
        foreach (var tunnel in table.All)
        {
            for (var statusClass = 1; statusClass <= 5; statusClass++)
            {
                var count = tunnel.RequestsOfClass(statusClass);
                if (count > 0)
                {
                    yield return new Measurement<long>(count, new KeyValuePair<string, object?>("tunnel", tunnel.Label), new KeyValuePair<string, object?>("code", Classes[statusClass - 1]));
                }
            }
        }
    }

    private static IEnumerable<Measurement<long>> Transferred(TrafficTable table)
    {
        foreach (var tunnel in table.All)
        {
            yield return new Measurement<long>(tunnel.BytesIn, new KeyValuePair<string, object?>("tunnel", tunnel.Label), new KeyValuePair<string, object?>("direction", "in"));
            yield return new Measurement<long>(tunnel.BytesOut, new KeyValuePair<string, object?>("tunnel", tunnel.Label), new KeyValuePair<string, object?>("direction", "out"));
        }
    }

    /// <summary>
    /// Each tunnel label's round-trip time: the slowest live channel counted under it. Channels use their first name's
    /// label, so the series stay within the table's bound (one per label, plus "other").
    /// </summary>
    private static IEnumerable<Measurement<double>> RoundTrips(TunnelRegistry registry, TrafficTable table)
    {
        var slowest = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var channel in registry.Channels)
        {
            if (channel.State == ChannelState.Live && channel.Connection.MeasuredRoundTrip is { } rtt)
            {
                var label = table.LabelOf(channel.Names[0]);
                if (!slowest.TryGetValue(label, out var seconds) || rtt.TotalSeconds > seconds)
                {
                    slowest[label] = rtt.TotalSeconds;
                }
            }
        }

        foreach (var (label, seconds) in slowest)
        {
            yield return new Measurement<double>(seconds, new KeyValuePair<string, object?>("tunnel", label));
        }
    }
}
