namespace Burrow.Server.Acme.Certificates;

/// <summary>Why a certificate exists: the base domain, the wildcard, or a tunnel name ordered on demand.</summary>
internal enum CertificateTargetKind
{
    Base,
    Wildcard,
    OnDemand,
}
