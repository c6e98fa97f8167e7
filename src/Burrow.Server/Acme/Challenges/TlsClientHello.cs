namespace Burrow.Server.Acme.Challenges;

/// <summary>What the HTTPS listener needs from a ClientHello before the handshake: the SNI name and whether ALPN offers acme-tls/1.</summary>
internal sealed record TlsClientHello(string? ServerName, bool OffersAcmeTls);
