using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Burrow.Server.Limits;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Channels;

/// <summary>
/// Budgets of the unauthenticated channel port, per client network (<see cref="ClientNetwork"/>: an IPv6 /64 counts
/// as one client) and server-wide (issue #10, rate limiting by network):
/// <list type="bullet">
/// <item>handshakes in progress, server-wide and per network: past either cap a connection is answered BUSY;</item>
/// <item>failed handshakes per network per minute: past it the network gets a short deadline and few concurrent
/// handshakes, but is not locked out, so garbage from an address never shuts out an honest agent behind it;</item>
/// <item>admitted channels per network per minute, counted only for successful handshakes.</item>
/// </list>
/// </summary>
internal sealed class HandshakeLimiter : IDisposable
{
    private const int ThrottledConcurrency = 2;
    private static readonly TimeSpan ThrottledDeadline = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<ClientNetwork, int> _inProgress = new();
    private readonly ConcurrentDictionary<ClientNetwork, long> _overBudgetNoted = new();
    private readonly PartitionedRateLimiter<ClientNetwork> _failures;
    private readonly PartitionedRateLimiter<ClientNetwork> _admissions;
    private readonly ChannelOptions _options;
    private readonly int _prefixLength;
    private int _total;

    public HandshakeLimiter(IOptions<ChannelOptions> options, IOptions<LimitOptions> limits)
    {
        _options = options.Value;
        _prefixLength = limits.Value.IPv6PrefixLength;
        _failures = PerMinute(_options.FailedHandshakesPerMinute);
        _admissions = PerMinute(_options.ChannelConnectionsPerMinute);
    }

    /// <summary>Handshakes in progress now, server-wide.</summary>
    public int InProgress => Volatile.Read(ref _total);

    public ClientNetwork NetworkOf(IPAddress? address) => ClientNetwork.Of(address, _prefixLength);

    /// <summary>
    /// Takes a handshake slot; false when the server or the network has too many handshakes in progress.
    /// <paramref name="deadline"/> is how long the peer has for its first message.
    /// </summary>
    public bool TryEnter(ClientNetwork network, out TimeSpan deadline)
    {
        var throttled = IsThrottled(network);
        deadline = throttled ? ThrottledDeadline : _options.HandshakeTimeout;
        var cap = throttled ? ThrottledConcurrency : _options.MaxHandshakesInProgressPerNetwork;
        if (Interlocked.Increment(ref _total) > _options.MaxHandshakesInProgress)
        {
            Interlocked.Decrement(ref _total);
            return false;
        }

        if (_inProgress.AddOrUpdate(network, 1, (_, count) => count + 1) > cap)
        {
            Exit(network);
            return false;
        }

        return true;
    }

    public void Exit(ClientNetwork network)
    {
        Interlocked.Decrement(ref _total);
        var left = _inProgress.AddOrUpdate(network, 0, (_, count) => count - 1);
        if (left <= 0)
        {
            _inProgress.TryRemove(new KeyValuePair<ClientNetwork, int>(network, left));
        }
    }

    /// <summary>
    /// Counts a failed handshake. Returns whether to log it: every failure within the budget, and past it only the
    /// first per network per minute, so a flood cannot fill the log.
    /// </summary>
    public bool OnFailed(ClientNetwork network)
    {
        using var lease = _failures.AttemptAcquire(network);
        if (lease.IsAcquired)
        {
            return true;
        }

        var now = Environment.TickCount64;
        if (_overBudgetNoted.Count > 10_000)
        {
            // Bounded: many networks over budget at once only cost us notes younger than a minute.
            foreach (var (key, at) in _overBudgetNoted)
            {
                if (now - at >= 60_000)
                {
                    _overBudgetNoted.TryRemove(new KeyValuePair<ClientNetwork, long>(key, at));
                }
            }
        }

        var noted = _overBudgetNoted.GetOrAdd(network, now);
        if (noted == now)
        {
            return true;
        }

        if (now - noted >= 60_000 && _overBudgetNoted.TryUpdate(network, now, noted))
        {
            return true;
        }

        return false;
    }

    /// <summary>Counts an admitted channel; false when the network opened too many this minute.</summary>
    public bool TryAdmit(ClientNetwork network)
    {
        using var lease = _admissions.AttemptAcquire(network);
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _failures.Dispose();
        _admissions.Dispose();
    }

    private bool IsThrottled(ClientNetwork network)
        => _failures.GetStatistics(network) is { CurrentAvailablePermits: <= 0 };

    private static PartitionedRateLimiter<ClientNetwork> PerMinute(int permits)
        => PartitionedRateLimiter.Create<ClientNetwork, ClientNetwork>(network => RateLimitPartition.GetFixedWindowLimiter(
            network,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
}
