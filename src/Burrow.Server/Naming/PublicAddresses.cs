using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Naming;

/// <summary>
/// Where the server is reachable: the base domain, the ports actually bound (known once the listeners started; they
/// differ from the configuration where it says 0), and the public URL of each name. Every feature that writes a URL
/// or reads a Host asks here, so they agree.
/// </summary>
public sealed class PublicAddresses
{
    private readonly int? _publicPort;

    public PublicAddresses(IOptions<NamingOptions> options)
    {
        Domain = TunnelNames.ToAscii(options.Value.Domain)!;
        _publicPort = options.Value.PublicPort;
    }

    /// <summary>The base domain in ASCII, lower-case.</summary>
    public string Domain { get; }

    public int HttpPort { get; private set; }

    public int? HttpsPort { get; private set; }

    public int ChannelPort { get; private set; }

    /// <summary>Called once by hosting when the listeners are bound.</summary>
    public void SetBoundPorts(int httpPort, int? httpsPort, int channelPort)
    {
        HttpPort = httpPort;
        HttpsPort = httpsPort;
        ChannelPort = channelPort;
    }

    /// <summary>The public host of a tunnel name.</summary>
    public string HostOf(string name) => $"{name}.{Domain}";

    public string PublicUrl(string name)
    {
        var https = HttpsPort is not null;
        var port = _publicPort ?? (https ? HttpsPort!.Value : HttpPort);
        var defaultPort = https ? 443 : 80;
        return $"{(https ? "https" : "http")}://{HostOf(name)}{(port == defaultPort ? string.Empty : $":{port}")}";
    }

    /// <summary>The port HTTPS links point at (for redirects).</summary>
    public int PublicHttpsPort => _publicPort ?? HttpsPort ?? 443;

    /// <summary>The ASCII host a request names (IDN hosts arrive decoded to Unicode), without port; null if unusable.</summary>
    public static string? AsciiHost(HostString host) => host.HasValue ? TunnelNames.ToAscii(host.Host) : null;

    /// <summary>True for the base domain, and for a bare IP address (an agent or health check that skips DNS).</summary>
    public bool IsApiHost(string asciiHost)
        => string.Equals(asciiHost, Domain, StringComparison.Ordinal) || System.Net.IPAddress.TryParse(asciiHost.Trim('[', ']'), out _);

    /// <summary>The tunnel name in a public host, or null when the host is not exactly one label under the domain.</summary>
    public string? TunnelNameOf(string asciiHost) => TunnelNames.LabelOf(asciiHost, Domain);
}
