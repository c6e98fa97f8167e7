using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Burrow.Server.Acme.Protocol;

/// <summary>
/// ACME request bodies: flattened JWS JSON serialization (RFC 7515, section 7.2.2) signed with ES256, with the
/// protected header RFC 8555 section 6.2 requires: alg, nonce, url, and either jwk (newAccount) or kid (the account URL).
/// </summary>
internal static class AcmeJws
{
    /// <summary>Signs <paramref name="payload"/>; null payload means POST-as-GET (RFC 8555, section 6.3: empty payload).</summary>
    public static byte[] Sign(AcmeAccountKey key, Uri url, string nonce, string? accountUrl, ReadOnlySpan<byte> payload, bool postAsGet)
    {
        var header = new StringBuilder("{\"alg\":\"ES256\",");
        if (accountUrl is null)
        {
            header.Append("\"jwk\":").Append(key.JwkJson).Append(',');
        }
        else
        {
            header.Append("\"kid\":").Append(JsonSerializer.Serialize(accountUrl, AcmeJsonContext.Default.String)).Append(',');
        }

        header.Append("\"nonce\":").Append(JsonSerializer.Serialize(nonce, AcmeJsonContext.Default.String))
            .Append(",\"url\":").Append(JsonSerializer.Serialize(url.AbsoluteUri, AcmeJsonContext.Default.String)).Append('}');

        var protectedPart = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToString()));
        var payloadPart = postAsGet ? string.Empty : Base64Url.EncodeToString(payload);
        var signature = key.Sign(Encoding.ASCII.GetBytes(protectedPart + "." + payloadPart));
        return Encoding.UTF8.GetBytes($"{{\"protected\":\"{protectedPart}\",\"payload\":\"{payloadPart}\",\"signature\":\"{Base64Url.EncodeToString(signature)}\"}}");
    }
}
