using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Burrow.Server.Storage;

namespace Burrow.Server.Certificates;

/// <summary>
/// <c>--dev-cert</c>: a self-signed certificate for the domain and its wildcard, made once in the data directory, for
/// trying HTTPS locally. It is a leaf, not a certificate authority (issue #10): someone who trusts it system-wide and
/// whose key leaks trusts nothing but these two names.
/// </summary>
internal static class DevCertificate
{
    public static (string Certificate, string Key) Ensure(DataDirectory directory, string domain)
    {
        var certificatePath = directory.File("dev-cert.pem");
        var keyPath = directory.File("dev-key.pem");
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            using var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(30) && existing.MatchesHostname(domain) && existing.MatchesHostname("x." + domain) && !IsAuthority(existing))
            {
                return (certificatePath, keyPath);
            }
        }

        directory.EnsureSecured();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={domain}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(domain);
        names.AddDnsName("*." + domain);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        SecretFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        return (certificatePath, keyPath);
    }

    private static bool IsAuthority(X509Certificate2 certificate)
        => certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(e => e.CertificateAuthority);
}
