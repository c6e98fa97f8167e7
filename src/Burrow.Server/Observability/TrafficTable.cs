using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Observability;

/// <summary>
/// Traffic per tunnel, with a bounded set of labels: the first <see cref="TelemetryOptions.MetricsTunnelLimit"/>
/// tunnels that carry a request get their own; every later one is folded into "other". Prometheus keeps a series per
/// label value, and random tunnel names are cheap to make, so an unbounded label would let users grow the server's
/// and the monitoring system's memory without end.
/// </summary>
internal sealed class TrafficTable
{
    public const string OtherLabel = "other";

    private readonly ConcurrentDictionary<string, TunnelTraffic> _byName = new(StringComparer.Ordinal);
    private readonly TunnelTraffic _other = new(OtherLabel);
    private readonly int _limit;
    private int _labels;

    public TrafficTable(IOptions<TelemetryOptions> options)
    {
        _limit = options.Value.MetricsTunnelLimit;
    }

    /// <summary>Every label so far ("other" once a tunnel was folded into it).</summary>
    public IEnumerable<TunnelTraffic> All
    {
        get
        {
            foreach (var traffic in _byName.Values)
            {
                if (!ReferenceEquals(traffic, _other))
                {
                    yield return traffic;
                }
            }

            if (_other.Requests > 0 || _other.BytesIn > 0 || _other.BytesOut > 0)
            {
                yield return _other;
            }
        }
    }

    /// <summary>The counters of <paramref name="name"/>: its own while under the label limit, else "other".</summary>
    public TunnelTraffic For(string name)
    {
        if (_byName.TryGetValue(name, out var traffic))
        {
            return traffic;
        }

        return Add(name);
    }

    /// <summary>The counters kept for <paramref name="name"/>, or null when it never carried a request.</summary>
    public TunnelTraffic? Find(string name) => _byName.TryGetValue(name, out var traffic) ? traffic : null;

    private TunnelTraffic Add(string name)
    {
        // Past the limit the name maps to "other" for good (remembered, so later lookups take the fast path; the
        // map itself is bounded too, at twice the limit, after which lookups of new names simply miss).
        if (Interlocked.Increment(ref _labels) > _limit)
        {
            Interlocked.Decrement(ref _labels);
            if (_byName.Count < 2 * _limit)
            {
                _byName.TryAdd(name, _other);
            }

            return _other;
        }

        var created = new TunnelTraffic(name);
        if (_byName.TryAdd(name, created))
        {
            return created;
        }

        // Another request added it first.
        Interlocked.Decrement(ref _labels);
        return _byName[name];
    }
}
