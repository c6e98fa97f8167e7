using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Burrow.Server.Acme.Certificates;

/// <summary>
/// A certificate ready for the HTTPS listener: the leaf with its key, and an <see cref="SslStreamCertificateContext"/>
/// holding the intermediates, so the handshake sends the whole chain (clients need it: an ACME CA's intermediates
/// are rarely in their stores).
/// </summary>
internal sealed class ServedCertificate
{
    private ServedCertificate(X509Certificate2 leaf, SslStreamCertificateContext context, IReadOnlyList<string> names)
    {
        Leaf = leaf;
        Context = context;
        Names = names;
    }

    public X509Certificate2 Leaf { get; }

    public SslStreamCertificateContext Context { get; }

    /// <summary>The DNS names in the subject alternative name extension, lower-case ("*.example.com" for a wildcard).</summary>
    public IReadOnlyList<string> Names { get; }

    public DateTimeOffset NotBefore => new(Leaf.NotBefore.ToUniversalTime());

    public DateTimeOffset NotAfter => new(Leaf.NotAfter.ToUniversalTime());

    /// <summary>Builds from a PEM chain (leaf first) and its PEM private key; throws CryptographicException when they do not match.</summary>
    public static ServedCertificate FromPem(string chainPem, string keyPem)
    {
        using var withKey = X509Certificate2.CreateFromPem(chainPem, keyPem);

        // Re-import so the private key is usable by SslStream on every platform.
        var leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(chainPem);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain)
        {
            if (certificate.Thumbprint != leaf.Thumbprint)
            {
                intermediates.Add(certificate);
            }
        }

        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new ServedCertificate(leaf, context, NamesOf(leaf));
    }

    public static ServedCertificate FromCertificate(X509Certificate2 leafWithKey) =>
        new(leafWithKey, SslStreamCertificateContext.Create(leafWithKey, null, offline: true), NamesOf(leafWithKey));

    private static List<string> NamesOf(X509Certificate2 leaf) =>
        [.. leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).Select(n => n.ToLowerInvariant())];
}
