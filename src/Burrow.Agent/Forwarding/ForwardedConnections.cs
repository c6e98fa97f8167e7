using Burrow.Agent.Inspection;
using Burrow.Protocol;
using Burrow.Protocol.Mux;

namespace Burrow.Agent.Forwarding;

/// <summary>
/// The connections the agent forwards now, each with the tap that knows what it carries: a request waiting for its
/// response, nothing (an idle keep-alive connection), or another protocol after a 101 (a WebSocket). A drain goes by
/// it: upgraded connections are closed at once, because they never end by themselves and their clients reconnect by
/// themselves (the HMR clients of Vite, Next.js and webpack-dev-server all do), and the number of requests in flight
/// is reported each time it changes.
/// </summary>
/// <remarks>
/// Outside a drain this costs one lock per connection opened and closed, and a null check per exchange.
/// </remarks>
internal sealed class ForwardedConnections
{
    /// <summary>The reset reason an upgraded connection gets when the agent stops (the server logs it).</summary>
    public const string StoppingReason = "the agent is stopping";

    private readonly Lock _lock = new();
    private readonly Dictionary<MuxStream, HttpExchangeTracker> _open = [];
    private volatile Action<int>? _drainProgress;
    private int _reported = -1;
    private int _changes;

    public void Add(MuxStream stream, HttpExchangeTracker tracker)
    {
        lock (_lock)
        {
            _open.Add(stream, tracker);
        }

        // Accepted just before the GOAWAY went out and connected to the local server only now: a drain counts it too.
        Changed(stream);
    }

    public void Remove(MuxStream stream)
    {
        lock (_lock)
        {
            _open.Remove(stream);
        }

        Changed(stream: null);
    }

    /// <summary>The tap saw an exchange on <paramref name="stream"/> end, or switch protocols at a 101.</summary>
    public void OnExchangeEnded(MuxStream stream) => Changed(stream);

    /// <summary>
    /// Starts the drain: closes every upgraded connection now (and any that upgrades later), and from now on calls
    /// <paramref name="progress"/> with the requests in flight whenever that number changes; once right away.
    /// Returns how many upgraded connections it closed.
    /// </summary>
    public int BeginDrain(Action<int> progress)
    {
        List<MuxStream> upgraded;
        lock (_lock)
        {
            _drainProgress = progress;
            upgraded = [.. _open.Where(c => c.Value.IsUpgraded).Select(c => c.Key)];
        }

        foreach (var stream in upgraded)
        {
            stream.Reset(ProtocolErrorCode.Cancel, StoppingReason);
        }

        Changed(stream: null);
        return upgraded.Count;
    }

    /// <summary>Requests waiting for their responses, on connections that were not upgraded.</summary>
    public int RequestsInFlight()
    {
        HttpExchangeTracker[] trackers;
        lock (_lock)
        {
            trackers = [.. _open.Values];
        }

        return trackers.Count(t => !t.IsUpgraded && t.HasRequestInFlight);
    }

    private void Changed(MuxStream? stream)
    {
        if (_drainProgress is not { } progress)
        {
            return;
        }

        bool upgraded;
        lock (_lock)
        {
            upgraded = stream is not null && _open.TryGetValue(stream, out var tracker) && tracker.IsUpgraded;
        }

        if (upgraded)
        {
            // Upgraded during the drain: its request was on the wire before the server saw our GOAWAY.
            stream!.Reset(ProtocolErrorCode.Cancel, StoppingReason);
        }

        // One reporter at a time, and it looks again while changes keep coming: two threads reporting side by side could
        // print their counts out of order and leave the console at a stale number. Whoever finds a report running
        // leaves it to that one (which then counts again), so progress is never called from two threads or under a lock.
        var seen = Interlocked.Increment(ref _changes);
        if (seen != 1)
        {
            return;
        }

        while (true)
        {
            var count = RequestsInFlight();
            if (count != _reported)
            {
                _reported = count;
                progress(count);
            }

            if (Interlocked.CompareExchange(ref _changes, 0, seen) == seen)
            {
                return;
            }

            seen = Volatile.Read(ref _changes);
        }
    }
}
