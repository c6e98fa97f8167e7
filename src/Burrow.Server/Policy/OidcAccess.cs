namespace Burrow.Server.Policy;

/// <summary>
/// A tunnel's single sign-on rule: the provider, and whom it admits. An e-mail address is admitted when it matches one
/// of the patterns (case-insensitive; <c>*</c> matches any run of characters) or its domain is one of the domains;
/// with neither list, every user the provider signs in with a verified address is.
/// </summary>
internal sealed class OidcAccess
{
    private readonly string[] _emails;
    private readonly string[] _domains;

    public OidcAccess(string provider, string[] emails, string[] domains)
    {
        Provider = provider;
        _emails = emails;
        _domains = domains;
    }

    public string Provider { get; }

    public bool Admits(string email)
    {
        if (_emails.Length == 0 && _domains.Length == 0)
        {
            return true;
        }

        var at = email.LastIndexOf('@');
        var domain = at < 0 ? string.Empty : email[(at + 1)..];
        foreach (var allowed in _domains)
        {
            if (domain.Equals(allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var pattern in _emails)
        {
            if (Matches(pattern, email))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Glob match with <c>*</c> only, case-insensitive, iterative (no backtracking blow-up on many stars).</summary>
    internal static bool Matches(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] != '*' && char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
