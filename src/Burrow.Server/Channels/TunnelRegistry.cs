using System.Collections.Concurrent;

namespace Burrow.Server.Channels;

/// <summary>
/// Which live channel serves which name. A channel that registers a name already served by the same user's older
/// channel replaces it (an agent reconnecting after a network change); the old channel is returned so the caller can
/// close it outside any lock.
/// </summary>
internal sealed class TunnelRegistry
{
    private readonly ConcurrentDictionary<string, TunnelChannel> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TunnelChannel, byte> _channels = new();
    private readonly Lock _admissionLock = new();

    public int ChannelCount => _channels.Count;

    public IEnumerable<TunnelChannel> Channels => _channels.Keys;

    public bool TryGet(string name, out TunnelChannel channel) => _byName.TryGetValue(name, out channel!);

    /// <summary>
    /// Routes the channel's names to it, unless that would give its user more than <paramref name="maxTunnels"/> live
    /// names (names it takes over from the user's older channels do not count twice). The check and the add are one
    /// step: registration checks the limit too, but several registrations in flight all pass that check before any
    /// of their channels arrives. Returns false if over the limit; otherwise the channels it replaced.
    /// </summary>
    public bool TryAdd(TunnelChannel channel, int maxTunnels, out IReadOnlyList<TunnelChannel> replaced)
    {
        var taken = new List<TunnelChannel>();
        lock (_admissionLock)
        {
            if (CountNamesForUser(channel.UserId, channel.Names) + channel.Names.Count > maxTunnels)
            {
                replaced = [];
                return false;
            }

            _channels[channel] = 0;
            foreach (var name in channel.Names)
            {
                var previous = default(TunnelChannel);
                _byName.AddOrUpdate(name, channel, (_, old) =>
                {
                    previous = old;
                    return channel;
                });
                if (previous is not null && previous != channel && !taken.Contains(previous))
                {
                    taken.Add(previous);
                }
            }
        }

        replaced = taken;
        return true;
    }

    public void Remove(TunnelChannel channel)
    {
        _channels.TryRemove(channel, out _);
        foreach (var name in channel.Names)
        {
            _byName.TryRemove(new KeyValuePair<string, TunnelChannel>(name, channel));
        }
    }

    /// <summary>Live names of a user, not counting <paramref name="except"/> (names being re-registered).</summary>
    public int CountNamesForUser(long userId, IReadOnlyCollection<string> except)
        => _byName.Count(pair => pair.Value.UserId == userId && !except.Contains(pair.Key));
}
