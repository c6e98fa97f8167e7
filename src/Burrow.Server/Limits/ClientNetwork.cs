using System.Net;
using System.Net.Sockets;

namespace Burrow.Server.Limits;

/// <summary>
/// The key a per-client limit counts by: an IPv4 address as it is, an IPv6 address by its network prefix (default /64,
/// what one subscriber usually gets: RFC 6177), so that one host cannot mint fresh keys from the 2^64 addresses it
/// holds. IPv4-mapped IPv6 addresses count as the IPv4 address.
/// </summary>
internal readonly record struct ClientNetwork(IPAddress Prefix, int Length)
{
    public static ClientNetwork Of(IPAddress? address, int ipv6PrefixLength)
    {
        if (address is null)
        {
            return new ClientNetwork(IPAddress.None, 32);
        }

        address = Unmapped(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || ipv6PrefixLength >= 128)
        {
            return new ClientNetwork(address, address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32);
        }

        return new ClientNetwork(Masked(address, ipv6PrefixLength), ipv6PrefixLength);
    }

    /// <summary>The address as Burrow shows and compares it: an IPv4-mapped IPv6 address (a dual-mode socket's) as IPv4.</summary>
    public static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The first <paramref name="prefixLength"/> bits of <paramref name="address"/>, the rest zero.</summary>
    public static IPAddress Masked(IPAddress address, int prefixLength)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var bit = prefixLength; bit < length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }

    public override string ToString() => Length is 32 or 128 ? Prefix.ToString() : $"{Prefix}/{Length}";
}
