using Burrow.Server.Observability;

namespace Burrow.Server.Admin.Dashboard;

/// <summary>
/// The last 15 minutes of every tunnel's traffic, for the dashboard's charts: every <see cref="Interval"/> the totals
/// of each tunnel label are sampled and the rates since the previous sample kept, 180 points per label (bounded like
/// the labels themselves, <see cref="TrafficTable"/>). Runs only while the admin listener does.
/// </summary>
internal sealed class TrafficHistory : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public const int Points = 180;

    private readonly TrafficTable _table;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sampled = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public TrafficHistory(TrafficTable table, TimeProvider time)
    {
        _table = table;
        _time = time;
    }

    public void Start()
    {
        Sample();
        _loop = RunAsync();
    }

    /// <summary>The points of <paramref name="label"/>, oldest first (empty when it carried nothing yet).</summary>
    public IReadOnlyList<TrafficPoint> Of(string label)
    {
        lock (_lock)
        {
            return _series.TryGetValue(label, out var series) ? series.Snapshot() : [];
        }
    }

    /// <summary>The rates over the last interval, or zeros.</summary>
    public TrafficPoint? Latest(string label)
    {
        lock (_lock)
        {
            return _series.TryGetValue(label, out var series) ? series.Latest : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The admin listener disposes it when it stops, and the container again.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sample()
    {
        var now = _time.GetUtcNow();
        var stamp = _time.GetTimestamp();
        lock (_lock)
        {
            // Labels the table gave back (their tunnels went offline) lose their history, or it would grow with every
            // name ever seen.
            _sampled.Clear();
            foreach (var traffic in _table.All)
            {
                _sampled.Add(traffic.Label);
                if (!_series.TryGetValue(traffic.Label, out var series))
                {
                    series = new Series();
                    _series[traffic.Label] = series;
                }

                series.Add(now, stamp, traffic.Requests, traffic.BytesIn + traffic.BytesOut, _time);
            }

            if (_series.Count > _sampled.Count)
            {
                foreach (var label in _series.Keys.Where(label => !_sampled.Contains(label)).ToList())
                {
                    _series.Remove(label);
                }
            }
        }
    }

    /// <summary>A ring of points and the totals at the last sample.</summary>
    private sealed class Series
    {
        private readonly TrafficPoint[] _points = new TrafficPoint[Points];
        private int _count;
        private int _next;
        private long _requests = -1;
        private long _bytes;
        private long _stamp;

        public TrafficPoint? Latest => _count == 0 ? null : _points[(_next + Points - 1) % Points];

        public void Add(DateTimeOffset now, long stamp, long requests, long bytes, TimeProvider time)
        {
            if (_requests >= 0)
            {
                var seconds = Math.Max(0.001, time.GetElapsedTime(_stamp, stamp).TotalSeconds);
                _points[_next] = new TrafficPoint(now, (requests - _requests) / seconds, (bytes - _bytes) / seconds);
                _next = (_next + 1) % Points;
                _count = Math.Min(_count + 1, Points);
            }

            _requests = requests;
            _bytes = bytes;
            _stamp = stamp;
        }

        public TrafficPoint[] Snapshot()
        {
            var result = new TrafficPoint[_count];
            for (var i = 0; i < _count; i++)
            {
                result[i] = _points[(_next - _count + i + Points) % Points];
            }

            return result;
        }
    }
}
