using System.Net;

namespace Burrow.Agent.Connection;

/// <summary>
/// Credentials never cross plain HTTP to another host (issue #10): the token goes in the registration request and the
/// channel key comes back in its answer, so whoever reads a plain-HTTP registration can connect the channel first.
/// http:// is fine only to this machine (loopback addresses and the *.localhost names, RFC 6761).
/// </summary>
public static class ServerUrlPolicy
{
    public static bool IsSafe(Uri server)
        => server.Scheme == Uri.UriSchemeHttps || IsLocal(server.IdnHost);

    public static string Refusal(Uri server)
        => $"refusing to send credentials to {server.GetLeftPart(UriPartial.Authority)} over plain HTTP: use https://{server.Authority}, or --allow-http if you accept that the token and channel key travel in clear";

    private static bool IsLocal(string host)
    {
        host = host.TrimEnd('.');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
               || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
               || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
