using Burrow.Server.Storage;
using System.Security.Cryptography;

namespace Burrow.Server.Acme.Certificates;

/// <summary>
/// Files under <c>DATA/acme/CA/</c>, one folder per CA (so a staging certificate is never served after switching to
/// production): <c>account.key.pem</c> (0600), and per certificate <c>certificates/NAME.pem</c> (the chain) and
/// <c>certificates/NAME.key.pem</c> (0600), NAME being the first name with "*" written "_wildcard".
/// </summary>
internal sealed class AcmeCertificateStore
{
    public AcmeCertificateStore(string dataDirectory, Uri directoryUrl)
    {
        var slug = directoryUrl.IsDefaultPort ? directoryUrl.Host : $"{directoryUrl.Host}_{directoryUrl.Port}";
        Directory = Path.Combine(dataDirectory, "acme", slug);
        CertificateDirectory = Path.Combine(Directory, "certificates");
    }

    public string Directory { get; }

    public string CertificateDirectory { get; }

    public string AccountKeyPath => Path.Combine(Directory, "account.key.pem");

    public static string FileNameFor(string name) => name.ToLowerInvariant().Replace("*", "_wildcard", StringComparison.Ordinal);

    public string ChainPath(string name) => Path.Combine(CertificateDirectory, FileNameFor(name) + ".pem");

    public string KeyPath(string name) => Path.Combine(CertificateDirectory, FileNameFor(name) + ".key.pem");

    /// <summary>Every stored certificate that loads; the ones that do not are returned with the reason.</summary>
    public IEnumerable<(string File, ServedCertificate? Certificate, string? Problem)> LoadAll()
    {
        if (!System.IO.Directory.Exists(CertificateDirectory))
        {
            yield break;
        }

        foreach (var chainPath in System.IO.Directory.EnumerateFiles(CertificateDirectory, "*.pem").Where(p => !p.EndsWith(".key.pem", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var keyPath = chainPath[..^".pem".Length] + ".key.pem";
            ServedCertificate? certificate = null;
            string? problem = null;
            try
            {
                certificate = ServedCertificate.FromPem(File.ReadAllText(chainPath), File.ReadAllText(keyPath));
            }
            catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException)
            {
                problem = ex.Message;
            }

            yield return (chainPath, certificate, problem);
        }
    }

    /// <summary>Checks the chain and key belong together, then writes both (key first, 0600; each atomically).</summary>
    public ServedCertificate Save(string name, string chainPem, string keyPem)
    {
        var certificate = ServedCertificate.FromPem(chainPem, keyPem);
        SecretFile.Write(KeyPath(name), keyPem);
        SecretFile.WriteAtomically(ChainPath(name), chainPem, secret: false);
        return certificate;
    }
}
