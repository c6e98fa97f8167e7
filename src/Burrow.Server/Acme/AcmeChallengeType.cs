namespace Burrow.Server.Acme;

/// <summary>How the CA checks that this server controls a name it orders a certificate for.</summary>
public enum AcmeChallengeType
{
    /// <summary>HTTP-01 (RFC 8555, section 8.3): the CA fetches a token on port 80. The default.</summary>
    Http01,

    /// <summary>TLS-ALPN-01 (RFC 8737): the CA opens TLS with ALPN "acme-tls/1" on port 443; no port 80 needed.</summary>
    TlsAlpn01,
}
