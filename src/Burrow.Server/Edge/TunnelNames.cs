using System.Globalization;

namespace Burrow.Server.Edge;

/// <summary>
/// Tunnel names are single DNS labels under the server's domain (RFC 1123, section 2.1: letters, digits and hyphens,
/// 1 to 63 characters, no leading or trailing hyphen), compared lower-case. Internationalised names arrive as
/// punycode ("xn--...") and are accepted as such; Unicode input is converted with IDNA.
/// </summary>
internal static class TunnelNames
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    public static bool IsValidLabel(string label)
    {
        if (label.Length is < 1 or > 63 || label[0] == '-' || label[^1] == '-')
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Lower-cases and IDNA-encodes a requested name; null if it cannot be a label.</summary>
    public static string? Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var candidate = name.Trim().ToLowerInvariant();
        if (!candidate.All(char.IsAscii))
        {
            try
            {
                candidate = Idn.GetAscii(candidate);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        return IsValidLabel(candidate) ? candidate : null;
    }

    public static bool IsValidDomain(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain) || domain.Length > 253)
        {
            return false;
        }

        return domain.Split('.').All(IsValidLabel);
    }

    /// <summary>
    /// The tunnel label of a public host ("demo" for "demo.example.com" under "example.com"), or null when the host
    /// is the base domain itself or not under it. Ports and a trailing dot are ignored.
    /// </summary>
    public static string? LabelOf(string host, string domain)
    {
        var h = host.TrimEnd('.');
        if (h.Length <= domain.Length + 1 || h[^(domain.Length + 1)] != '.' || !h.EndsWith(domain, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var label = h[..^(domain.Length + 1)].ToLowerInvariant();
        return IsValidLabel(label) ? label : null;
    }
}
