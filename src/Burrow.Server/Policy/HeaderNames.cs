namespace Burrow.Server.Policy;

/// <summary>Which headers a tunnel's rules may touch, and what a header name and value may be.</summary>
internal static class HeaderNames
{
    /// <summary>The prefix of the identity headers the edge sets for the local server (X-Burrow-User-Email, -Name).</summary>
    public const string VisitorIdentityPrefix = "X-Burrow-User-";

    /// <summary>
    /// Request headers the edge owns: framing and hop-by-hop headers (RFC 9110 section 7.6.1, RFC 9112), the Host
    /// (<c>--host-header</c> sets it), and the forwarded headers that tell the local server who the visitor is.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedOnRequests = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Content-Length",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "X-Real-IP",
    };

    /// <summary>
    /// Response headers the edge owns: framing and hop-by-hop headers, and Set-Cookie, which the edge keeps on the
    /// tunnel's own host (a rule adding a cookie for the whole domain would reach every other tunnel).
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedOnResponses = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Content-Length", "Set-Cookie",
    };

    /// <summary>
    /// True for the identity headers, however spelled: CGI-style servers (PHP, WSGI, Rack) read X_Burrow_User_Email as
    /// X-Burrow-User-Email, so underscores count as hyphens here.
    /// </summary>
    public static bool IsVisitorIdentity(string name)
    {
        // Runs for every header of every proxied request: compared in place, without making strings.
        if (name.Length < VisitorIdentityPrefix.Length)
        {
            return false;
        }

        for (var i = 0; i < VisitorIdentityPrefix.Length; i++)
        {
            var c = name[i] == '_' ? '-' : char.ToLowerInvariant(name[i]);
            if (c != char.ToLowerInvariant(VisitorIdentityPrefix[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An RFC 9110 token (section 5.6.2), 1-128 characters.</summary>
    public static bool IsToken(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Visible ASCII, spaces and tabs, at most 4096 characters: nothing that could end the header line.</summary>
    public static bool IsValue(string? value)
        => value is not null && value.Length <= 4096 && value.All(c => c is '\t' || (c >= ' ' && c <= '~'));

    /// <summary>A host name or IP literal with an optional port, as a Host header carries it (localhost:3000, [::1]:8080).</summary>
    public static bool IsHostValue(string value)
        => value.Length is > 0 and <= 255
           && value.IndexOfAny(['/', '?', '#', '@', '\\', ' ', '\t']) < 0
           && Uri.TryCreate($"http://{value}/", UriKind.Absolute, out var uri)
           && uri.PathAndQuery == "/";
}
