using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Limits;

/// <summary>
/// Counts the public connections open per client network and refuses past <see cref="LimitOptions.MaxConnectionsPerClient"/>,
/// so one visitor cannot hold every connection slot (or every byte of the connections' buffers). Connections from
/// trusted proxies are not counted: there, one address speaks for many clients.
/// </summary>
internal sealed class ConnectionsPerClient
{
    private readonly ConcurrentDictionary<ClientNetwork, int> _open = new();
    private readonly int _max;
    private readonly int _prefixLength;
    private readonly IPNetwork[] _exempt;
    private int _total;

    public ConnectionsPerClient(IOptions<LimitOptions> limits, IEnumerable<IPNetwork> exempt)
    {
        _max = limits.Value.MaxConnectionsPerClient;
        _prefixLength = limits.Value.IPv6PrefixLength;
        _exempt = [.. exempt];
    }

    /// <summary>Public connections open now, from every client (trusted proxies included).</summary>
    public int Open => Volatile.Read(ref _total);

    /// <summary>Counts a connection in; null when it is over the cap (refuse it), else the key to give back to <see cref="Exit"/>.</summary>
    public ClientNetwork? TryEnter(IPAddress? address)
    {
        Interlocked.Increment(ref _total);
        if (address is not null && _exempt.Any(network => network.Contains(ClientNetwork.Unmapped(address))))
        {
            return default(ClientNetwork);
        }

        var network = ClientNetwork.Of(address, _prefixLength);
        if (_open.AddOrUpdate(network, 1, (_, count) => count + 1) > _max)
        {
            Exit(network);
            return null;
        }

        return network;
    }

    public void Exit(ClientNetwork network)
    {
        Interlocked.Decrement(ref _total);
        if (network == default)
        {
            return;
        }

        var left = _open.AddOrUpdate(network, 0, (_, count) => count - 1);
        if (left <= 0)
        {
            _open.TryRemove(new KeyValuePair<ClientNetwork, int>(network, left));
        }
    }
}
