using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Burrow.Server.Acme.Certificates;

/// <summary>
/// What the HTTPS port presents before the first certificate is issued: a self-signed certificate for the domain and
/// its wildcard, made in memory at start. Visitors get a certificate error (not a TLS failure) until the real one arrives.
/// </summary>
internal static class FallbackCertificate
{
    public static ServedCertificate Create(string domain)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={domain} (burrow: certificate pending)", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(domain);
        names.AddDnsName("*." + domain);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));
        return ServedCertificate.FromCertificate(X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null));
    }
}
