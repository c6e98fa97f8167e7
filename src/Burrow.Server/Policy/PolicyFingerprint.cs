using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Burrow.Protocol.Registration;

namespace Burrow.Server.Policy;

/// <summary>
/// Says whether two agents asked for the same visitor policy, so that the agents of one pool (<c>--pool</c>) cannot
/// disagree about who may visit: a visitor must get the same answer whichever agent the edge picks. An HMAC-SHA256,
/// under a key that lives in this process only, of the policy in a canonical form (lists in order-free places
/// sorted, null and empty the same): passwords take part, so agents with different passwords differ, but only the
/// keyed digest is kept, never the password.
/// </summary>
internal sealed class PolicyFingerprint
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The fingerprint of a tunnel open to everyone without header rules (no policy, or an empty one).</summary>
    public static readonly byte[] Open = [];

    public byte[] Of(VisitorPolicy policy)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        var empty = true;
        void Part(string tag, string? value)
        {
            empty = false;
            Append(hmac, tag);
            Append(hmac, value ?? string.Empty);
        }

        foreach (var user in (policy.BasicAuth ?? []).OrderBy(u => u.User, StringComparer.Ordinal))
        {
            Part("basic", user.User);
            Part("password", user.Password);
        }

        foreach (var network in Sorted(policy.AllowIps))
        {
            Part("allow", network);
        }

        foreach (var network in Sorted(policy.DenyIps))
        {
            Part("deny", network);
        }

        if (policy.Oidc is { } oidc)
        {
            Part("oidc", oidc.Provider);
            foreach (var email in Sorted(oidc.AllowEmails))
            {
                Part("email", email);
            }

            foreach (var domain in Sorted(oidc.AllowDomains))
            {
                Part("domain", domain);
            }
        }

        // Header rules keep their order: a later rule can replace an earlier one's header.
        Headers("request", policy.RequestHeaders, Part);
        Headers("response", policy.ResponseHeaders, Part);
        if (policy.HostHeader is not null)
        {
            Part("host", policy.HostHeader);
        }

        return empty ? Open : hmac.GetHashAndReset();
    }

    /// <summary>Constant-time, as anything derived from a password is compared.</summary>
    public static bool Same(byte[] a, byte[] b) => CryptographicOperations.FixedTimeEquals(a, b);

    private static void Headers(string direction, HeaderRules? rules, Action<string, string?> part)
    {
        foreach (var name in rules?.Remove ?? [])
        {
            part($"{direction}-remove", name?.ToLowerInvariant());
        }

        foreach (var header in rules?.Add ?? [])
        {
            part($"{direction}-add", header.Name?.ToLowerInvariant());
            part($"{direction}-value", header.Value);
        }
    }

    private static IEnumerable<string> Sorted(IReadOnlyList<string>? values) => (values ?? []).Select(v => v.Trim()).Order(StringComparer.Ordinal);

    // Length-prefixed, so that no two different policies write the same bytes.
    private static void Append(IncrementalHash hmac, string text)
    {
        Span<byte> length = stackalloc byte[4];
        var bytes = Encoding.UTF8.GetBytes(text);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hmac.AppendData(length);
        hmac.AppendData(bytes);
    }
}
