using System.Collections.Concurrent;

namespace Burrow.Server.Acme.Certificates;

/// <summary>
/// SNI name to certificate, swapped in place when a certificate is issued or renewed (new handshakes get the new
/// one; open connections keep theirs). Lookup: exact name, then the wildcard of its parent, then the base domain's
/// certificate, then a self-signed fallback. A name without its own certificate thus gets a complete handshake with
/// a certificate the browser rejects for the name, never a failed or hanging one.
/// </summary>
internal sealed class AcmeCertificateSelector
{
    private readonly ConcurrentDictionary<string, ServedCertificate> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _domain;
    private readonly ServedCertificate _fallback;

    public AcmeCertificateSelector(string domain, ServedCertificate fallback)
    {
        _domain = domain.ToLowerInvariant();
        _fallback = fallback;
    }

    /// <summary>Every certificate installed (each once), for metrics and status.</summary>
    public IReadOnlyCollection<ServedCertificate> All => [.. _byName.Values.Distinct()];

    public ServedCertificate Fallback => _fallback;

    public void Install(ServedCertificate certificate)
    {
        foreach (var name in certificate.Names)
        {
            _byName[name] = certificate;
        }
    }

    /// <summary>The certificate of exactly this name (or its wildcard), if one is installed.</summary>
    public ServedCertificate? Find(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return null;
        }

        var name = serverName.TrimEnd('.');
        if (_byName.TryGetValue(name, out var exact))
        {
            return exact;
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && _byName.TryGetValue("*" + name[dot..], out var wildcard) ? wildcard : null;
    }

    public ServedCertificate Select(string? serverName) => Find(serverName) ?? (_byName.TryGetValue(_domain, out var base_) ? base_ : _fallback);
}
