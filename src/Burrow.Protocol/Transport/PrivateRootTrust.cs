using System.Security.Cryptography.X509Certificates;

namespace Burrow.Protocol.Transport;

/// <summary>
/// Trust in a peer's TLS certificate that comes only from a CA file the operator named (the agent's <c>--ca</c>, the
/// server's <c>--acme-ca-file</c>), with no system roots. One rule for both ends: the leaf must chain to one of the
/// given roots, and only the certificates the peer sent in its handshake may fill the gap between them.
/// </summary>
public static class PrivateRootTrust
{
    /// <summary>
    /// Whether <paramref name="certificate"/> chains to one of <paramref name="roots"/>. The leaf rarely hangs off the
    /// root itself: every ACME CA (pebble, step-ca, Let's Encrypt) issues from an intermediate that the peer sends
    /// after its leaf (RFC 8446 section 4.4.2), and which <paramref name="sent"/>, the chain TLS built from the
    /// handshake, holds. The host name is not checked here: callers refuse a name mismatch before asking.
    /// </summary>
    public static bool ChainsToRoot(X509Certificate2Collection roots, X509Certificate certificate, X509Chain? sent)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (sent is not null)
        {
            foreach (var element in sent.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
