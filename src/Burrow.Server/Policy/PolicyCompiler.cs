using Burrow.Protocol;
using Burrow.Protocol.Registration;
using Burrow.Server.Naming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Policy;

/// <summary>
/// Turns the policies an agent sent with its registration into what the edge enforces, or refuses them with a
/// sentence: a malformed network, an unknown provider, an empty password, a header the edge owns, too many rules
/// (<see cref="PolicyOptions.MaxPolicyRules"/>), or, with <see cref="PolicyOptions.RequirePolicy"/>, a tunnel open to
/// everyone. Passwords are hashed here and dropped.
/// </summary>
internal sealed class PolicyCompiler
{
    private readonly PolicyOptions _options;
    private readonly HashSet<string> _providers;
    private readonly PolicyFingerprint _fingerprint = new();

    public PolicyCompiler(IOptions<PolicyOptions> options)
    {
        _options = options.Value;
        _providers = [.. _options.OidcProviders.Select(p => p.Name)];
    }

    /// <param name="policies">As sent: entry i belongs to <paramref name="names"/>[i].</param>
    /// <param name="names">The registration's names, in the order of the request (repeats allowed: the first policy wins).</param>
    public PolicyCompilation Compile(IReadOnlyList<VisitorPolicy?>? policies, IReadOnlyList<string> names, Func<string, string> hostOf)
    {
        policies ??= [];
        if (policies.Count > names.Count)
        {
            return Invalid($"The request has {policies.Count} policies for {names.Count} names: send one per name, in the order of the names.");
        }

        // Each different password costs one slow derivation, run inside the registration: the budget is per
        // registration, not per name, or sixteen names of ten users each would buy one token holder 160 of them.
        var passwords = policies.SelectMany(p => p?.BasicAuth ?? []).Select(u => (u?.User, u?.Password)).Distinct().Count();
        if (passwords > _options.MaxBasicAuthUsers && policies.All(p => (p?.BasicAuth?.Count ?? 0) <= _options.MaxBasicAuthUsers))
        {
            // (One tunnel over the per-tunnel limit on its own gets that sentence, from Check, instead.)
            return Invalid($"The request sets {passwords} different basic-auth users and passwords; this server allows {_options.MaxBasicAuthUsers} per registration (give the tunnels of one agent the same users).");
        }

        var hashes = new Dictionary<(string, string), PasswordHash>();
        var compiled = new Dictionary<string, TunnelPolicy>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (compiled.ContainsKey(name))
            {
                continue;
            }

            var policy = i < policies.Count ? policies[i] : null;
            if (policy is null)
            {
                if (_options.RequirePolicy)
                {
                    return RequirePolicy(name);
                }

                continue;
            }

            var error = Check(policy);
            if (error is not null)
            {
                return Invalid($"The visitor policy of '{name}' is invalid: {error}");
            }

            var result = Build(policy, hostOf(name), hashes);
            if (_options.RequirePolicy && !result.LimitsVisitors)
            {
                return RequirePolicy(name);
            }

            compiled[name] = result;
        }

        return new PolicyCompilation(compiled);
    }

    private static PolicyCompilation Invalid(string sentence) => PolicyCompilation.Refused(StatusCodes.Status400BadRequest, "Invalid visitor policy", sentence);

    private static PolicyCompilation RequirePolicy(string name)
        => PolicyCompilation.Refused(StatusCodes.Status403Forbidden, "Visitor policy required", $"This server serves no tunnel open to everyone: give '{name}' --basic-auth, --allow-ip or --oidc.");

    private string? Check(VisitorPolicy policy)
    {
        // JSON lists may hold nulls whatever the types say; one check here keeps every rule below from meeting one.
        if (HasNull(policy.BasicAuth) || HasNull(policy.AllowIps) || HasNull(policy.DenyIps) || HasNull(policy.Oidc?.AllowEmails)
            || HasNull(policy.Oidc?.AllowDomains) || HasNull(policy.RequestHeaders?.Add) || HasNull(policy.RequestHeaders?.Remove)
            || HasNull(policy.ResponseHeaders?.Add) || HasNull(policy.ResponseHeaders?.Remove))
        {
            return "a list in it holds null.";
        }

        var users = policy.BasicAuth ?? [];
        var oidc = policy.Oidc;
        var rules = users.Count + (policy.AllowIps?.Count ?? 0) + (policy.DenyIps?.Count ?? 0)
            + (oidc is null ? 0 : 1 + (oidc.AllowEmails?.Count ?? 0) + (oidc.AllowDomains?.Count ?? 0))
            + Count(policy.RequestHeaders) + Count(policy.ResponseHeaders) + (policy.HostHeader is null ? 0 : 1);
        if (rules > _options.MaxPolicyRules)
        {
            return $"it has {rules} rules; this server allows {_options.MaxPolicyRules} per tunnel.";
        }

        if (users.Count > _options.MaxBasicAuthUsers)
        {
            return $"it has {users.Count} basic-auth users; this server allows {_options.MaxBasicAuthUsers} per tunnel.";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            if (string.IsNullOrEmpty(user.User) || user.User.Length > 64 || user.User.Contains(':', StringComparison.Ordinal) || user.User.Any(char.IsControl))
            {
                return $"basic-auth user '{PeerText.Escape(user.User, 64)}' must be 1-64 characters without ':' (--basic-auth USER:PASS).";
            }

            if (string.IsNullOrEmpty(user.Password))
            {
                return $"the password of basic-auth user '{user.User}' is empty.";
            }

            if (user.Password.Length > 256 || user.Password.Any(char.IsControl))
            {
                return $"the password of basic-auth user '{user.User}' must be at most 256 characters without control characters.";
            }

            if (!seen.Add(user.User))
            {
                return $"basic-auth user '{user.User}' is given twice.";
            }
        }

        foreach (var network in (policy.AllowIps ?? []).Concat(policy.DenyIps ?? []))
        {
            if (!NetworkList.TryParse(network, out _))
            {
                return $"'{PeerText.Escape(network, 64)}' is not a network in CIDR notation (203.0.113.0/24, 2001:db8::/32, or one address); host bits must be zero.";
            }
        }

        if (oidc is not null)
        {
            if (users.Count > 0)
            {
                return "--basic-auth and --oidc cannot be combined on one tunnel: choose one way to sign in.";
            }

            if (string.IsNullOrEmpty(oidc.Provider) || !_providers.Contains(oidc.Provider))
            {
                var offered = _providers.Count == 0 ? "it has none configured" : $"it offers {string.Join(", ", _providers.Order())}";
                return $"this server has no single sign-on provider '{PeerText.Escape(oidc.Provider, 64)}' ({offered}).";
            }

            foreach (var pattern in oidc.AllowEmails ?? [])
            {
                if (string.IsNullOrEmpty(pattern) || pattern.Length > 254 || pattern.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
                {
                    return $"'{PeerText.Escape(pattern, 64)}' is not an e-mail pattern (ann@example.com, *@example.com).";
                }
            }

            foreach (var domain in oidc.AllowDomains ?? [])
            {
                if (DomainOf(domain) is null)
                {
                    return $"'{PeerText.Escape(domain, 64)}' is not a domain (example.com).";
                }
            }
        }

        return CheckHeaders("--request-header", policy.RequestHeaders, HeaderNames.ReservedOnRequests)
            ?? CheckHeaders("--response-header", policy.ResponseHeaders, HeaderNames.ReservedOnResponses)
            ?? (policy.HostHeader is null || HeaderNames.IsHostValue(policy.HostHeader) ? null : $"'{PeerText.Escape(policy.HostHeader, 64)}' is not a Host value (localhost:3000).");
    }

    private static string? CheckHeaders(string flag, HeaderRules? rules, IReadOnlySet<string> reserved)
    {
        foreach (var name in (rules?.Remove ?? []).Concat((rules?.Add ?? []).Select(h => h.Name)))
        {
            if (!HeaderNames.IsToken(name))
            {
                return $"{flag}: '{PeerText.Escape(name, 64)}' is not a header name.";
            }

            if (reserved.Contains(name!) || HeaderNames.IsVisitorIdentity(name!))
            {
                return $"{flag}: the edge manages '{name}' itself; a tunnel cannot change it{(name!.Equals("Host", StringComparison.OrdinalIgnoreCase) ? " (use --host-header)" : string.Empty)}.";
            }
        }

        foreach (var header in rules?.Add ?? [])
        {
            if (!HeaderNames.IsValue(header.Value))
            {
                return $"{flag}-add: the value of '{header.Name}' must be at most 4096 visible characters (no line breaks).";
            }
        }

        return null;
    }

    private static bool HasNull<T>(IReadOnlyList<T?>? list)
        where T : class
        => list is not null && list.Any(item => item is null);

    private static int Count(HeaderRules? rules) => (rules?.Add?.Count ?? 0) + (rules?.Remove?.Count ?? 0);

    private static string? DomainOf(string? domain)
    {
        var ascii = string.IsNullOrWhiteSpace(domain) ? null : TunnelNames.ToAscii(domain.Trim());
        return ascii is not null && TunnelNames.IsValidDomain(ascii) ? ascii : null;
    }

    private TunnelPolicy Build(VisitorPolicy policy, string host, Dictionary<(string, string), PasswordHash> hashes)
    {
        BasicAuthUsers? basic = null;
        if (policy.BasicAuth is { Count: > 0 } users)
        {
            // One agent often guards all its tunnels with the same users: hash each password once per registration.
            basic = new BasicAuthUsers(users.Select(u =>
            {
                var key = (u.User!, u.Password!);
                if (!hashes.TryGetValue(key, out var hash))
                {
                    hashes[key] = hash = PasswordHash.Create(u.Password!);
                }

                return (u.User!, hash);
            }));
        }

        var oidc = policy.Oidc is { } o
            ? new OidcAccess(o.Provider!, [.. (o.AllowEmails ?? []).Select(e => e.Trim())], [.. (o.AllowDomains ?? []).Select(d => DomainOf(d)!)])
            : null;
        return TunnelPolicy.Create(
            host,
            NetworkList.Parse(policy.AllowIps ?? []),
            NetworkList.Parse(policy.DenyIps ?? []),
            basic,
            oidc,
            Edits(policy.RequestHeaders),
            Edits(policy.ResponseHeaders),
            policy.HostHeader,
            VisitorPolicyText.Describe(policy),
            _fingerprint.Of(policy));
    }

    private static HeaderEdits Edits(HeaderRules? rules)
        => rules is null ? HeaderEdits.None : new HeaderEdits([.. rules.Remove ?? []], [.. (rules.Add ?? []).Select(h => (h.Name!, h.Value!))]);
}
