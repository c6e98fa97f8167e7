using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Burrow.Server.Acme.Protocol;

/// <summary>
/// JWK thumbprints (RFC 7638): SHA-256 over the key's required members, sorted by name, as JSON without whitespace,
/// base64url-encoded. The canonical JSON is also the JWK itself in every JWS header.
/// </summary>
internal static class JwkThumbprint
{
    /// <summary>The canonical JSON of a JWK from its required members (RFC 7638, section 3.2): keys sorted by code point.</summary>
    public static string CanonicalJson(IEnumerable<KeyValuePair<string, string>> requiredMembers)
    {
        var builder = new StringBuilder("{");
        foreach (var (name, value) in requiredMembers.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (builder.Length > 1)
            {
                builder.Append(',');
            }

            // Member names and values here are ASCII (kty names, base64url numbers): no JSON escaping needed.
            builder.Append('"').Append(name).Append("\":\"").Append(value).Append('"');
        }

        return builder.Append('}').ToString();
    }

    public static string Compute(IEnumerable<KeyValuePair<string, string>> requiredMembers)
        => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson(requiredMembers))));

    /// <summary>Required members of an EC public key (RFC 7638, section 3.2): crv, kty, x, y.</summary>
    public static KeyValuePair<string, string>[] EcMembers(ECParameters parameters) =>
    [
        new("crv", "P-256"),
        new("kty", "EC"),
        new("x", Base64Url.EncodeToString(parameters.Q.X)),
        new("y", Base64Url.EncodeToString(parameters.Q.Y)),
    ];
}
