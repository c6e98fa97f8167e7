using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Burrow.Server.Acme.Challenges;

/// <summary>
/// TLS-ALPN-01 (RFC 8737): for each host with a challenge in progress, a self-signed certificate naming only that
/// host and carrying the critical acmeIdentifier extension (id-pe-acmeIdentifier, 1.3.6.1.5.5.7.1.31) whose value is
/// the DER OCTET STRING of SHA-256(key authorization). Served only on connections that offer ALPN "acme-tls/1".
/// </summary>
internal sealed class TlsAlpn01Responder
{
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";
    public static readonly SslApplicationProtocol AcmeTls1 = new("acme-tls/1");

    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _certificates = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string host, string keyAuthorization)
    {
        // The certificate lives in the context, which this responder holds until Remove disposes it.
#pragma warning disable CA2000
        var context = SslStreamCertificateContext.Create(CreateCertificate(host, keyAuthorization), null, offline: true);
#pragma warning restore CA2000
        if (_certificates.TryGetValue(host, out var previous))
        {
            previous.TargetCertificate.Dispose();
        }

        _certificates[host] = context;
    }

    public void Remove(string host)
    {
        if (_certificates.TryRemove(host, out var context))
        {
            context.TargetCertificate.Dispose();
        }
    }

    public bool TryGet(string host, out SslStreamCertificateContext certificate) => _certificates.TryGetValue(host.TrimEnd('.'), out certificate!);

    public static X509Certificate2 CreateCertificate(string host, string keyAuthorization)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        var value = new AsnWriter(AsnEncodingRules.DER);
        value.WriteOctetString(Protocol.KeyAuthorization.Digest(keyAuthorization));
        request.CertificateExtensions.Add(new X509Extension(AcmeIdentifierOid, value.Encode(), critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));

        // Re-import so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
