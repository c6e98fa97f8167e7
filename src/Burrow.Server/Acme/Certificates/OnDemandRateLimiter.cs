namespace Burrow.Server.Acme.Certificates;

/// <summary>Sliding one-hour windows: at most N on-demand orders per user, and M for the whole server.</summary>
internal sealed class OnDemandRateLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly int _perUser;
    private readonly int _perServer;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _users = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _server = new();

    public OnDemandRateLimiter(int perUser, int perServer, TimeProvider time)
    {
        _perUser = perUser;
        _perServer = perServer;
        _time = time;
    }

    /// <summary>Takes one permit for <paramref name="user"/>; false (and nothing taken) when either limit is reached.</summary>
    public bool TryAcquire(string user)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Trim(_server, now);
            if (!_users.TryGetValue(user, out var mine))
            {
                mine = new Queue<DateTimeOffset>();
                _users[user] = mine;
            }

            Trim(mine, now);
            if (_server.Count >= _perServer || mine.Count >= _perUser)
            {
                if (mine.Count == 0)
                {
                    _users.Remove(user);
                }

                return false;
            }

            _server.Enqueue(now);
            mine.Enqueue(now);
            return true;
        }
    }

    private static void Trim(Queue<DateTimeOffset> stamps, DateTimeOffset now)
    {
        while (stamps.Count > 0 && now - stamps.Peek() >= Window)
        {
            stamps.Dequeue();
        }
    }
}
