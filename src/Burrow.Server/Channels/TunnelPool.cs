namespace Burrow.Server.Channels;

/// <summary>
/// The channels serving one name: one, or several when agents joined with <c>--pool</c>. Immutable: the registry
/// swaps in a new pool when a channel joins or leaves, so the request path reads it without a lock.
/// </summary>
internal sealed class TunnelPool
{
    public TunnelPool(string name, TunnelChannel[] channels)
    {
        Name = name;
        Channels = channels;
    }

    public string Name { get; }

    public TunnelChannel[] Channels { get; }

    /// <summary>
    /// The route to the live channel with the fewest requests in flight whose agent reports its local server serving;
    /// null when there is none. Draining and pending channels take no new requests.
    /// </summary>
    public TunnelRoute? Pick()
    {
        TunnelChannel? best = null;
        foreach (var channel in Channels)
        {
            if (channel.State == ChannelState.Live && channel.IsServing && (best is null || channel.InFlight < best.InFlight))
            {
                best = channel;
            }
        }

        return best?.Routes[Name];
    }

    public TunnelPool With(TunnelChannel channel) => new(Name, [.. Channels, channel]);

    public TunnelPool? Without(TunnelChannel channel)
    {
        var rest = Channels.Where(c => c != channel).ToArray();
        return rest.Length == 0 ? null : rest.Length == Channels.Length ? this : new TunnelPool(Name, rest);
    }
}
