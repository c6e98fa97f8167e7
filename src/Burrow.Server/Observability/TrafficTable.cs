using System.Collections.Concurrent;
using Burrow.Server.Channels;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Observability;

/// <summary>
/// Traffic per tunnel, with a bounded set of labels: the first <see cref="TelemetryOptions.MetricsTunnelLimit"/>
/// tunnels that carry a request get their own; every later one is folded into "other". Prometheus keeps a series per
/// label value, and random tunnel names are cheap to make, so an unbounded label would let users grow the server's
/// and the monitoring system's memory without end.
///
/// Labels of tunnels that went offline are given back when a new name finds none free (at most once per
/// <see cref="ReclaimInterval"/>): otherwise one tenant cycling through names would hold every label for good and
/// blind the per-tunnel metrics of everyone after it. A tunnel then holds a label only while it is online, so labels
/// in use are bounded by live tunnels, which user quotas bound. A name that comes back starts its counters again
/// (Prometheus reads that as a counter reset).
/// </summary>
internal sealed class TrafficTable
{
    public const string OtherLabel = "other";

    /// <summary>How often, at most, a full table looks for labels to give back (a scan of up to twice the limit).</summary>
    public static readonly TimeSpan ReclaimInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, TunnelTraffic> _byName = new(StringComparer.Ordinal);
    private readonly TunnelTraffic _other = new(OtherLabel);
    private readonly TunnelRegistry _registry;
    private readonly TimeProvider _time;
    private readonly int _limit;
    private readonly Lock _reclaimLock = new();
    private int _labels;

    /// <summary>Entries in <see cref="_byName"/>, own labels and names folded into "other" (its Count takes every lock).</summary>
    private int _entries;
    private long _lastReclaim;

    public TrafficTable(IOptions<TelemetryOptions> options, TunnelRegistry registry, TimeProvider time)
    {
        _limit = options.Value.MetricsTunnelLimit;
        _registry = registry;
        _time = time;
        _lastReclaim = time.GetTimestamp() - (long)(ReclaimInterval.TotalSeconds * time.TimestampFrequency);
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

    /// <summary>The label <paramref name="name"/> is counted under now: its own, or "other" (also before its first request).</summary>
    public string LabelOf(string name) => Find(name)?.Label ?? OtherLabel;

    private TunnelTraffic Add(string name)
    {
        if (Volatile.Read(ref _labels) >= _limit)
        {
            Reclaim();
        }

        // Past the limit the name maps to "other" (remembered, so later lookups take the fast path, until a reclaim
        // finds it offline; the map itself is bounded too, at twice the limit, after which lookups of new names miss).
        if (Interlocked.Increment(ref _labels) > _limit)
        {
            Interlocked.Decrement(ref _labels);
            if (Volatile.Read(ref _entries) < 2 * _limit && _byName.TryAdd(name, _other))
            {
                Interlocked.Increment(ref _entries);
            }

            return _other;
        }

        var created = new TunnelTraffic(name);
        if (_byName.TryAdd(name, created))
        {
            Interlocked.Increment(ref _entries);
            return created;
        }

        // Another request added it first.
        Interlocked.Decrement(ref _labels);
        return _byName.TryGetValue(name, out var existing) ? existing : _other;
    }

    /// <summary>Gives back the labels (and "other" entries) of names no live channel serves.</summary>
    private void Reclaim()
    {
        if (!_reclaimLock.TryEnter())
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_lastReclaim, now) < ReclaimInterval)
            {
                return;
            }

            _lastReclaim = now;
            foreach (var (name, traffic) in _byName)
            {
                if (!_registry.IsServed(name) && _byName.TryRemove(new KeyValuePair<string, TunnelTraffic>(name, traffic)))
                {
                    Interlocked.Decrement(ref _entries);
                    if (!ReferenceEquals(traffic, _other))
                    {
                        Interlocked.Decrement(ref _labels);
                    }
                }
            }
        }
        finally
        {
            _reclaimLock.Exit();
        }
    }
}
