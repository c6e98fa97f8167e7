using Microsoft.Extensions.Primitives;

namespace Burrow.Server.Edge;

/// <summary>
/// Cookies stay on the tunnel that set them (issue #10). A <c>Domain</c> attribute widens a cookie to every host under
/// that domain (RFC 6265, section 5.3, step 6), so <c>Domain=example.com</c> from one tunnel would reach every sibling
/// tunnel and the API host: session fixation, or a "cookie bomb" that makes their requests too large to serve. The
/// attribute is removed, which makes the cookie host-only on the tunnel's own host, unless it names exactly that host.
/// Everything else in the cookie is left byte for byte.
/// </summary>
internal static class TunnelCookies
{
    public static StringValues KeepOnHost(StringValues cookies, string host)
    {
        var result = new string?[cookies.Count];
        for (var i = 0; i < cookies.Count; i++)
        {
            result[i] = KeepOnHost(cookies[i] ?? string.Empty, host);
        }

        return new StringValues(result);
    }

    public static string KeepOnHost(string cookie, string host)
    {
        if (cookie.IndexOf("domain", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return cookie;
        }

        var parts = cookie.Split(';');
        var kept = new List<string>(parts.Length) { parts[0] };
        for (var i = 1; i < parts.Length; i++)
        {
            var attribute = parts[i];
            var equals = attribute.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? attribute : attribute[..equals]).Trim();
            if (name.Equals("domain", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 6265 5.2.3: a leading dot is ignored; comparison is case-insensitive.
                var value = equals < 0 ? string.Empty : attribute[(equals + 1)..].Trim().TrimStart('.');
                if (!value.Equals(host, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
            }

            kept.Add(attribute);
        }

        return string.Join(';', kept);
    }
}
