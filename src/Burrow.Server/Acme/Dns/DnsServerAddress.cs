using System.Net;
using System.Net.Sockets;

namespace Burrow.Server.Acme.Dns;

/// <summary>A DNS server given as <c>host:port</c>, <c>[v6]:port</c> or a bare host (port 53).</summary>
internal sealed record DnsServerAddress(string Host, int Port)
{
    public static bool TryParse(string? text, out DnsServerAddress address)
    {
        address = new DnsServerAddress(string.Empty, 53);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (IPAddress.TryParse(text, out var bare))
        {
            address = new DnsServerAddress(bare.ToString(), 53);
            return true;
        }

        if (IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal) && endpoint.Port > 0)
        {
            address = new DnsServerAddress(endpoint.Address.ToString(), endpoint.Port);
            return true;
        }

        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? text : text[..colon];
        var port = 53;
        if (colon >= 0 && !(int.TryParse(text[(colon + 1)..], out port) && port is > 0 and <= 65535))
        {
            return false;
        }

        if (!Uri.CheckHostName(host).Equals(UriHostNameType.Dns))
        {
            return false;
        }

        address = new DnsServerAddress(host, port);
        return true;
    }

    public static DnsServerAddress Parse(string text) => TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not host:port.");

    /// <summary>The server's addresses (itself when it is an IP address).</summary>
    public async Task<IPAddress[]> ResolveAsync(CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(Host, out var ip))
        {
            return [ip];
        }

        var addresses = await System.Net.Dns.GetHostAddressesAsync(Host, cancellationToken);
        return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
