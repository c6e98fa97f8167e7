using System.Globalization;

namespace Burrow.Server.Naming;

/// <summary>
/// Tunnel names are single DNS labels under the server's domain (RFC 1123, section 2.1: letters, digits and hyphens,
/// 1 to 63 characters, no leading or trailing hyphen), compared lower-case, always in their ASCII form. Unicode input
/// is converted with IDNA; an A-label ("xn--...") must decode to a real Unicode label and encode back to itself
/// (RFC 5891, section 5.4), or it could never be reached.
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

        return !label.StartsWith("xn--", StringComparison.Ordinal) || IsValidALabel(label);
    }

    /// <summary>Lower-cases and IDNA-encodes a requested name; null if it cannot be a label.</summary>
    public static string? Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var candidate = ToAscii(name.Trim());
        return candidate is not null && IsValidLabel(candidate) ? candidate : null;
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
    /// The ASCII form of a host name (punycode for Unicode labels), lower-cased, without a trailing dot; null when it
    /// cannot be converted. Routing compares only this form: Kestrel hands out hosts decoded to Unicode.
    /// </summary>
    public static string? ToAscii(string host)
    {
        var h = host.TrimEnd('.');
        if (h.All(char.IsAscii))
        {
            return h.ToLowerInvariant();
        }

        try
        {
            return Idn.GetAscii(h.ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The tunnel label of an ASCII host ("demo" for "demo.example.com" under "example.com"), or null when the host is
    /// the base domain itself, not under it, or more than one label below it.
    /// </summary>
    public static string? LabelOf(string asciiHost, string domain)
    {
        var h = asciiHost.TrimEnd('.');
        if (h.Length <= domain.Length + 1 || h[^(domain.Length + 1)] != '.' || !h.EndsWith(domain, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var label = h[..^(domain.Length + 1)].ToLowerInvariant();
        return IsValidLabel(label) ? label : null;
    }

    private static bool IsValidALabel(string label)
    {
        string unicode;
        try
        {
            unicode = Idn.GetUnicode(label);
        }
        catch (ArgumentException)
        {
            return false;
        }

        // An A-label stands for a label with at least one non-ASCII character, all of them letters, marks or digits.
        if (unicode.Length == 0 || unicode.All(char.IsAscii) || unicode.Any(c => !(char.IsLetterOrDigit(c) || c == '-' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)))
        {
            return false;
        }

        try
        {
            return string.Equals(Idn.GetAscii(unicode), label, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
