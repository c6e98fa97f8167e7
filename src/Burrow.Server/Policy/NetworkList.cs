using System.Net;
using Burrow.Server.Limits;

namespace Burrow.Server.Policy;

/// <summary>
/// A set of IPv4 and IPv6 networks an address is checked against. IPv4 clients of a dual-stack listener arrive as
/// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) and are matched as the IPv4 address they are.
/// </summary>
internal sealed class NetworkList
{
    public static readonly NetworkList Empty = new([]);

    private readonly IPNetwork[] _networks;

    public NetworkList(IPNetwork[] networks)
    {
        _networks = networks;
    }

    public int Count => _networks.Length;

    public bool Contains(IPAddress? address)
    {
        if (address is null || _networks.Length == 0)
        {
            return false;
        }

        address = ClientNetwork.Unmapped(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Parses "203.0.113.0/24", "2001:db8::/32", or a single address (a /32 or /128). A network with bits set past its
    /// prefix ("10.1.2.3/8") is refused rather than silently widened: it is usually a typo for a narrower network.
    /// </summary>
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        if (!text.Contains('/', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(text, out var single) || single.ToString().Contains('%', StringComparison.Ordinal))
            {
                return false;
            }

            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(text.AsSpan(0, slash), out var address) || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            || prefix > (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128) || text.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        // IPNetwork quietly masks the host bits away; a rule that says 10.1.2.3/8 most likely meant something else.
        network = new IPNetwork(ClientNetwork.Masked(address, prefix), prefix);
        return network.BaseAddress.Equals(address);
    }

    public static NetworkList Parse(IEnumerable<string> networks)
        => new([.. networks.Select(n => TryParse(n, out var network) ? network : throw new FormatException($"'{n}' is not a network in CIDR notation."))]);
}
