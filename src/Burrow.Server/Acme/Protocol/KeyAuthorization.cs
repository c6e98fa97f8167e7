using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Burrow.Server.Acme.Protocol;

/// <summary>
/// Key authorizations (RFC 8555, section 8.1): <c>token "." thumbprint</c>. HTTP-01 serves it as is; DNS-01 publishes
/// base64url(SHA-256(it)) (section 8.4); TLS-ALPN-01 puts SHA-256(it) in the acmeIdentifier extension (RFC 8737, section 3).
/// </summary>
internal static class KeyAuthorization
{
    public static string Compute(string token, string thumbprint) => token + "." + thumbprint;

    public static byte[] Digest(string keyAuthorization) => SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization));

    public static string DnsTxtValue(string keyAuthorization) => Base64Url.EncodeToString(Digest(keyAuthorization));

    /// <summary>A token must be base64url, at least 128 bits (RFC 8555, section 8.3); anything else is not put anywhere.</summary>
    public static bool IsValidToken(string? token) =>
        token is { Length: >= 22 and <= 256 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
