namespace Burrow.Protocol.Registration;

/// <summary>
/// A visitor policy in one line for people: the agent's console, the server's log and admin API print the same
/// words. User names are shown, passwords never.
/// </summary>
public static class VisitorPolicyText
{
    public const string Open = "open to everyone";

    public static string Describe(VisitorPolicy? policy)
    {
        if (policy is null)
        {
            return Open;
        }

        var parts = new List<string>();
        if (policy.BasicAuth is { Count: > 0 } users)
        {
            parts.Add($"basic auth ({string.Join(", ", users.Select(u => u.User))})");
        }

        if (policy.AllowIps is { Count: > 0 } allow)
        {
            parts.Add($"allow {string.Join(", ", allow)}");
        }

        if (policy.DenyIps is { Count: > 0 } deny)
        {
            parts.Add($"deny {string.Join(", ", deny)}");
        }

        if (policy.Oidc is { } oidc)
        {
            var admitted = (oidc.AllowEmails ?? []).Concat(oidc.AllowDomains ?? []).ToList();
            parts.Add($"oidc {oidc.Provider} ({(admitted.Count == 0 ? "any user" : string.Join(", ", admitted))})");
        }

        Headers("request headers", policy.RequestHeaders);
        Headers("response headers", policy.ResponseHeaders);
        if (policy.HostHeader is { } host)
        {
            parts.Add($"Host: {host}");
        }

        if (parts.Count == 0)
        {
            return Open;
        }

        if (policy.BasicAuth is not { Count: > 0 } && policy.AllowIps is not { Count: > 0 } && policy.Oidc is null)
        {
            parts.Insert(0, Open);
        }

        return string.Join("; ", parts);

        void Headers(string label, HeaderRules? rules)
        {
            var changes = (rules?.Remove ?? []).Select(n => $"-{n}").Concat((rules?.Add ?? []).Select(h => $"+{h.Name}")).ToList();
            if (changes.Count > 0)
            {
                parts.Add($"{label} {string.Join(" ", changes)}");
            }
        }
    }
}
