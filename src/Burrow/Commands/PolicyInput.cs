using Burrow.Agent;
using Burrow.Protocol.Registration;

namespace Burrow.Commands;

/// <summary>
/// A tunnel's visitor rules as a person writes them, from flags (<see cref="PolicyFlags"/>) or from a tunnel in the
/// agent config file (the same keys, camelCase): turned into the registration's <see cref="VisitorPolicy"/>. The
/// server checks the rest (networks, providers, header names) and answers with a sentence.
/// </summary>
internal sealed record PolicyInput(
    IReadOnlyList<string> BasicAuth,
    IReadOnlyList<string> AllowIps,
    IReadOnlyList<string> DenyIps,
    string? Oidc,
    IReadOnlyList<string> OidcAllowEmails,
    IReadOnlyList<string> OidcAllowDomains,
    IReadOnlyList<string> RequestHeaderAdd,
    IReadOnlyList<string> RequestHeaderRemove,
    IReadOnlyList<string> ResponseHeaderAdd,
    IReadOnlyList<string> ResponseHeaderRemove,
    string? HostHeader)
{
    /// <summary>The policy to register, or null when no rule is given.</summary>
    /// <param name="localAddress">HOST:PORT of the local server, which <c>--host-header rewrite</c> sends as Host.</param>
    /// <exception cref="AgentException">A rule that does not parse (exit code ConfigError).</exception>
    public VisitorPolicy? ToPolicy(string localAddress)
    {
        if (Oidc is null && (OidcAllowEmails.Count > 0 || OidcAllowDomains.Count > 0))
        {
            throw Error("--oidc-allow-email and --oidc-allow-domain need --oidc PROVIDER");
        }

        var host = HostHeader?.Trim().ToLowerInvariant() switch
        {
            null or "" or "preserve" => null,
            "rewrite" => localAddress,
            _ => HostHeader!.Trim(),
        };
        var policy = new VisitorPolicy(
            BasicAuth.Count == 0 ? null : [.. BasicAuth.Select(User)],
            AllowIps.Count == 0 ? null : AllowIps,
            DenyIps.Count == 0 ? null : DenyIps,
            Oidc is null ? null : new OidcRule(Oidc, OidcAllowEmails.Count == 0 ? null : OidcAllowEmails, OidcAllowDomains.Count == 0 ? null : OidcAllowDomains),
            Rules("--request-header", RequestHeaderAdd, RequestHeaderRemove),
            Rules("--response-header", ResponseHeaderAdd, ResponseHeaderRemove),
            host);
        return policy == new VisitorPolicy() ? null : policy;
    }

    private static BasicAuthUser User(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        // The error names the user at most: what follows a colon, or a value without one, may be a password.
        return colon > 0 && colon < text.Length - 1
            ? new BasicAuthUser(text[..colon], text[(colon + 1)..])
            : throw Error(colon > 0
                ? $"--basic-auth '{text[..colon]}:' must be USER:PASSWORD with neither empty"
                : "--basic-auth must be USER:PASSWORD with neither empty (the value given is not shown: it may hold a password)");
    }

    private static HeaderRules? Rules(string flag, IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        if (add.Count == 0 && remove.Count == 0)
        {
            return null;
        }

        var values = add.Select(text =>
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? new HeaderValue(text[..colon].Trim(), text[(colon + 1)..].Trim()) : throw Error($"{flag}-add '{text}' must be 'Name: value'");
        }).ToList();
        return new HeaderRules(values.Count == 0 ? null : values, remove.Count == 0 ? null : [.. remove.Select(r => r.Trim())]);
    }

    private static AgentException Error(string message) => new(AgentExitCode.ConfigError, message);
}
