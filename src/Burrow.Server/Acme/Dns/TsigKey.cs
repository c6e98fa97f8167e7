using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace Burrow.Server.Acme.Dns;

/// <summary>A TSIG key (RFC 8945) written <c>name:algorithm:base64secret</c>, as BIND's tsig-keygen prints its parts.</summary>
internal sealed record TsigKey(DomainName Name, TSigAlgorithm Algorithm, byte[] Secret)
{
    public static bool TryParse(string text, out TsigKey? key, out string? problem)
    {
        key = null;
        problem = null;
        var parts = text.Split(':');
        if (parts.Length != 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            problem = "must be name:algorithm:secret (e.g. burrow-key:hmac-sha256:BASE64)";
            return false;
        }

        var algorithm = parts[1].Trim().ToLowerInvariant() switch
        {
            "hmac-sha256" => TSigAlgorithm.Sha256,
            "hmac-sha384" => TSigAlgorithm.Sha384,
            "hmac-sha512" => TSigAlgorithm.Sha512,
            "hmac-sha224" => TSigAlgorithm.Sha224,
            "hmac-sha1" => TSigAlgorithm.Sha1,
            _ => TSigAlgorithm.Unknown,
        };
        if (algorithm == TSigAlgorithm.Unknown)
        {
            problem = $"algorithm '{parts[1]}' is not one of hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224, hmac-sha1";
            return false;
        }

        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(parts[2].Trim());
        }
        catch (FormatException)
        {
            problem = "the secret is not base64";
            return false;
        }

        if (!DomainName.TryParse(parts[0].Trim(), out var name) || name is null)
        {
            problem = $"'{parts[0]}' is not a key name";
            return false;
        }

        key = new TsigKey(name, algorithm, secret);
        return true;
    }

    /// <summary>Never the secret: a key's description in logs.</summary>
    public override string ToString() => $"{Name} ({Algorithm})";
}
