using System.Collections.Concurrent;
using Burrow.Protocol;
using Burrow.Server.Limits;
using Burrow.Server.Policy;
using Burrow.Server.Registration;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Channels;

/// <summary>
/// Which channels serve which name. A channel whose names are served by the same user's older channels replaces them
/// (an agent reconnecting after a network change), unless it joins them as a pool (<c>--pool</c>). Admission, and
/// with it the user's live-tunnel limit, is one locked step; the request path reads without a lock.
/// </summary>
internal sealed class TunnelRegistry : ILiveTunnels
{
    private readonly ConcurrentDictionary<string, TunnelPool> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, TunnelChannel> _channels = new();
    private readonly ConcurrentDictionary<long, UserLoad> _loads = new();
    private readonly int _maxRequestsPerUser;
    private readonly Lock _lock = new();

    public TunnelRegistry(IOptions<LimitOptions> limits)
    {
        _maxRequestsPerUser = limits.Value.MaxRequestsPerUser;
    }

    public int ChannelCount => _channels.Count;

    /// <summary>Channels known now, pending, live or draining.</summary>
    public IEnumerable<TunnelChannel> Channels => _channels.Values;

    /// <summary>The in-flight count shared by all channels of one user (one small object per user who ever connected).</summary>
    public UserLoad LoadOf(long userId) => _loads.GetOrAdd(userId, _ => new UserLoad(_maxRequestsPerUser));

    public TunnelChannel? Find(long id) => _channels.TryGetValue(id, out var channel) ? channel : null;

    /// <summary>The route a request for <paramref name="name"/> takes now, or null when no live, serving channel has it.</summary>
    public TunnelRoute? Resolve(string name) => _byName.TryGetValue(name, out var pool) ? pool.Pick() : null;

    /// <summary>True when some channel serves <paramref name="name"/>, serving or not (for the edge's error page).</summary>
    public bool IsServed(string name) => _byName.ContainsKey(name);

    /// <summary>
    /// Routes the channel's names to it and makes it live, unless that would give its user more than
    /// <paramref name="maxTunnels"/> live names (names it shares with the user's channels do not count twice). The
    /// check and the add are one step: registration checks the limit too, but several registrations in flight all
    /// pass that check before any of their channels arrives. Returns false if over the limit, or, with
    /// <paramref name="poolConflict"/> set to the name, if the channel would join a pool whose agents sent a different
    /// visitor policy for it (registration refuses that too, but two registrations can race to an empty pool); otherwise
    /// the channels it replaced, for the caller to close outside the lock.
    /// </summary>
    public bool TryAdd(TunnelChannel channel, int maxTunnels, out IReadOnlyList<TunnelChannel> replaced, out string? poolConflict)
    {
        var taken = new List<TunnelChannel>();
        replaced = [];
        lock (_lock)
        {
            poolConflict = channel.Pooled ? channel.Names.FirstOrDefault(name => PoolPolicyDiffers(name, channel.Routes[name].Policy)) : null;
            if (poolConflict is not null || CountLiveNames(channel.UserId, channel.Names) + channel.Names.Count > maxTunnels)
            {
                return false;
            }

            _channels[channel.Id] = channel;
            foreach (var name in channel.Names)
            {
                if (_byName.TryGetValue(name, out var pool) && channel.Pooled)
                {
                    _byName[name] = pool.With(channel);
                    continue;
                }

                if (pool is not null)
                {
                    taken.AddRange(pool.Channels.Where(c => !taken.Contains(c)));
                }

                _byName[name] = new TunnelPool(name, [channel]);
            }

            channel.MarkLive();
        }

        replaced = taken;
        return true;
    }

    /// <summary>Takes the channel out of routing (every name) and forgets it. Idempotent.</summary>
    public void Remove(TunnelChannel channel)
    {
        lock (_lock)
        {
            _channels.TryRemove(channel.Id, out _);
            foreach (var name in channel.Names)
            {
                if (_byName.TryGetValue(name, out var pool))
                {
                    if (pool.Without(channel) is { } rest)
                    {
                        _byName[name] = rest;
                    }
                    else
                    {
                        _byName.TryRemove(name, out _);
                    }
                }
            }

        }
    }

    /// <summary>Closes every channel gracefully (server shutdown): GOAWAY, in-flight requests finish, connections close.</summary>
    public Task DrainAllAsync(string reason)
        => Task.WhenAll(_channels.Values.ToList().Select(channel => channel.CloseAsync(ProtocolErrorCode.NoError, reason, graceful: true)));

    public int CountLiveNames(long userId, IReadOnlyCollection<string> except)
    {
        var count = 0;
        foreach (var (name, pool) in _byName)
        {
            if (!except.Contains(name) && pool.Channels.Any(c => c.UserId == userId))
            {
                count++;
            }
        }

        return count;
    }

    public IReadOnlyList<string> LiveNames() => [.. _byName.Keys];

    /// <summary>
    /// True when channels serve <paramref name="name"/> with a visitor policy other than <paramref name="policy"/>.
    /// Every channel of a pool has the same one (joining with another is refused), so the first one speaks for all.
    /// </summary>
    public bool PoolPolicyDiffers(string name, TunnelPolicy policy)
        => _byName.TryGetValue(name, out var pool) && !PolicyFingerprint.Same(pool.Channels[0].Routes[name].Policy.Fingerprint, policy.Fingerprint);
}
