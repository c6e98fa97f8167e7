using System.Diagnostics.Metrics;
using Burrow.Protocol;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux.FlowControl;

namespace Burrow.Server.Channels;

/// <summary>
/// The channel port's instruments on the server meter: handshakes by result, channels refused and closed by reason,
/// rate limits, and gauges read from the registry when scraped (tunnels and channels online, streams, flow-control
/// stalls, buffered bytes against the server's memory budget).
/// </summary>
internal sealed class ChannelMetrics
{
    private readonly Counter<long> _handshakes;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _closed;
    private readonly Counter<long> _rateLimited;
    private long _closedStalls;
    private long _reportedStalls;

    public ChannelMetrics(IMeterFactory meters, TunnelRegistry registry, BufferBudget budget)
    {
        // The factory owns the meters it creates and disposes them with the service provider.
#pragma warning disable CA2000
        var meter = meters.Create(ServerMeter.Name);
#pragma warning restore CA2000
        _handshakes = meter.CreateCounter<long>("burrow.handshakes", unit: "{handshake}", description: "Channel handshakes by result (ok, or why they failed).");
        _refused = meter.CreateCounter<long>("burrow.channels.refused", unit: "{channel}", description: "Channels refused after their handshake, by reason.");
        _closed = meter.CreateCounter<long>("burrow.channels.closed", unit: "{channel}", description: "Channels closed, by the reason code of their close.");
        _rateLimited = ServerMeter.CreateRateLimited(meter);
        meter.CreateObservableGauge("burrow.tunnels.online", () => registry.LiveNames().Count, unit: "{tunnel}", description: "Tunnel names served by at least one live channel.");
        meter.CreateObservableGauge("burrow.channels.online", () => registry.Channels.Count(c => c.State == ChannelState.Live), unit: "{channel}", description: "Live channels.");
        meter.CreateObservableGauge("burrow.streams.active", () => registry.Channels.Sum(c => c.Connection.ActiveStreamCount), unit: "{stream}", description: "Streams open on all channels.");
        meter.CreateObservableGauge("burrow.channel.buffered", () => registry.Channels.Sum(c => c.Connection.BufferedBytes), unit: "By", description: "Bytes all channels hold for their streams (counted against the memory budget).");
        meter.CreateObservableGauge("burrow.memory_budget.used", () => budget.Used, unit: "By", description: "Bytes of the server's memory budget in use (MemoryBudget).");
        meter.CreateObservableGauge("burrow.memory_budget.limit", () => budget.Limit, unit: "By", description: "The server's memory budget for channel buffers.");
        meter.CreateObservableCounter("burrow.flow_control.stalls", () => Stalls(registry), unit: "{stall}", description: "Times data waited for flow-control credit or the channel's buffer budget.");
    }

    public void HandshakeSucceeded() => _handshakes.Add(1, new KeyValuePair<string, object?>("result", "ok"));

    public void HandshakeFailed(HandshakeFailure failure) => _handshakes.Add(1, new KeyValuePair<string, object?>("result", Label(failure.ToString())));

    /// <summary>A limit turned a connection or channel away: handshakes_in_progress, channels_per_network.</summary>
    public void RateLimited(string limit) => _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void Refused(ProtocolErrorCode code) => _refused.Add(1, new KeyValuePair<string, object?>("reason", Label(code.ToString())));

    /// <summary>The channel closed: its stalls move into the running total (it leaves the registry).</summary>
    public void Closed(TunnelChannel channel, ProtocolErrorCode code)
    {
        Interlocked.Add(ref _closedStalls, channel.Connection.FlowControlStalls);
        _closed.Add(1, new KeyValuePair<string, object?>("reason", Label(code.ToString())));
    }

    /// <summary>
    /// Stalls of closed channels plus those of live ones. A closing channel leaves the registry a moment before its
    /// stalls move into the closed total, and a counter must never go down (Prometheus would read a reset): the value
    /// reported is never below the last one.
    /// </summary>
    private long Stalls(TunnelRegistry registry)
    {
        var now = Interlocked.Read(ref _closedStalls) + registry.Channels.Sum(c => c.Connection.FlowControlStalls);
        while (true)
        {
            var reported = Interlocked.Read(ref _reportedStalls);
            if (now <= reported)
            {
                return reported;
            }

            if (Interlocked.CompareExchange(ref _reportedStalls, now, reported) == reported)
            {
                return now;
            }
        }
    }

    /// <summary>PascalCase enum name to a Prometheus-style label value (KeepaliveTimeout to keepalive_timeout).</summary>
    internal static string Label(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
