using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Burrow.Server.Tests.Acme.Infrastructure;

/// <summary>
/// The certificate pebble serves its directory and management API with (for localhost and 127.0.0.1): self-signed,
/// or issued by an intermediate under a root of its own, like a private CA's. Pebble (Go's crypto/tls) sends every
/// certificate of its PEM file, so the intermediate goes after the leaf there; the root only goes to the trust file.
/// </summary>
internal static class PebbleTlsCertificate
{
    public static void Write(string directory, string certificateFile, string keyFile, string trustFile, bool underIntermediate)
    {
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(7);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=pebble test TLS", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        File.WriteAllText(Path.Combine(directory, keyFile), key.ExportPkcs8PrivateKeyPem());
        if (!underIntermediate)
        {
            using var selfSigned = request.CreateSelfSigned(notBefore, notAfter);
            File.WriteAllText(Path.Combine(directory, certificateFile), selfSigned.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory, trustFile), selfSigned.ExportCertificatePem());
            return;
        }

        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = Authority("CN=pebble test TLS root", rootKey).CreateSelfSigned(notBefore.AddDays(-1), notAfter.AddDays(1));
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediatePublic = Authority("CN=pebble test TLS intermediate", intermediateKey).Create(root, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        using var intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);
        using var leaf = request.Create(intermediate, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(Path.Combine(directory, certificateFile), leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, trustFile), root.ExportCertificatePem());
    }

    private static CertificateRequest Authority(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }
}
