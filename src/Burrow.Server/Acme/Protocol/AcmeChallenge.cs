namespace Burrow.Server.Acme.Protocol;

/// <summary>A challenge (RFC 8555, section 8): http-01, dns-01 or tls-alpn-01, each with a token.</summary>
internal sealed record AcmeChallenge(string Type, string Url, string Status, string? Token, AcmeProblem? Error)
{
    public const string Http01 = "http-01";
    public const string Dns01 = "dns-01";
    public const string TlsAlpn01 = "tls-alpn-01";
}
