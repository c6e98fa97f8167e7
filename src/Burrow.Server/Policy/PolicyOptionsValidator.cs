using System.Net;
using Burrow.Server.Naming;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Policy;

internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var failures = new List<string>();
        Check(options.MaxPolicyRules is >= 1 and <= 1000, "MaxPolicyRules: must be 1-1000.");
        Check(options.MaxBasicAuthUsers is >= 1 and <= 100, "MaxBasicAuthUsers: must be 1-100.");
        Check(options.BasicAuthFailuresPerMinute >= 1, "BasicAuthFailuresPerMinute: must be at least 1.");
        Check(options.BasicAuthChecksPerMinute >= 1, "BasicAuthChecksPerMinute: must be at least 1.");
        Check(options.OidcSessionLifetime > TimeSpan.Zero && options.OidcSessionLifetime <= TimeSpan.FromDays(30), "OidcSessionLifetime: must be positive and at most 30 days.");
        foreach (var network in options.DenyIps)
        {
            Check(NetworkList.TryParse(network, out _), $"DenyIps: '{network}' is not a network in CIDR notation (203.0.113.0/24, 2001:db8::/32).");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.OidcProviders.Count; i++)
        {
            var provider = options.OidcProviders[i];
            var key = $"OidcProviders:{i}";
            Check(TunnelNames.Normalize(provider.Name) == provider.Name, $"{key}:Name: '{provider.Name}' must be lower-case letters, digits and hyphens.");
            Check(names.Add(provider.Name), $"{key}:Name: '{provider.Name}' is configured twice.");
            Check(Uri.TryCreate(provider.Issuer, UriKind.Absolute, out var issuer) && (issuer.Scheme == Uri.UriSchemeHttps || (issuer.Scheme == Uri.UriSchemeHttp && IsLoopback(issuer))), $"{key}:Issuer: '{provider.Issuer}' must be an https:// URL (http:// only on a loopback address).");
            Check(!string.IsNullOrWhiteSpace(provider.ClientId), $"{key}:ClientId: must not be empty.");
            Check(!string.IsNullOrWhiteSpace(provider.ClientSecret), $"{key}:ClientSecret: must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(bool ok, string failure)
        {
            if (!ok)
            {
                failures.Add(failure);
            }
        }
    }

    /// <summary>Discovery over plain HTTP would let anyone on the path swap the provider's keys: only on this machine.</summary>
    internal static bool IsLoopback(Uri uri)
        => uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
