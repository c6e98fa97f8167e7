using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Burrow.Server.Acme.Protocol;

/// <summary>
/// The ARI certificate identifier (RFC 9773, section 4.1): base64url(Authority Key Identifier's keyIdentifier) "."
/// base64url(serial number as DER INTEGER content bytes). Also the value of newOrder's "replaces".
/// </summary>
internal static class AcmeCertificateId
{
    public static string? Of(X509Certificate2 certificate)
    {
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault();
        if (aki?.KeyIdentifier is not { } keyIdentifier)
        {
            return null;
        }

        // SerialNumberBytes is big-endian as encoded (with a leading zero when the top bit is set), which is exactly
        // the DER INTEGER content ARI asks for. Round-trip through the ASN.1 reader to be sure it is minimal.
        var serial = certificate.SerialNumberBytes.ToArray();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteIntegerUnsigned(serial.AsSpan().TrimStart((byte)0));
        var encoded = writer.Encode();
        var content = encoded.AsSpan(2, encoded[1]);
        return Base64Url.EncodeToString(keyIdentifier.Span) + "." + Base64Url.EncodeToString(content);
    }
}
