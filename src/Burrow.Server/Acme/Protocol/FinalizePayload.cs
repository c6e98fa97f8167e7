namespace Burrow.Server.Acme.Protocol;

/// <summary>finalize request (RFC 8555, section 7.4): the CSR in DER, base64url.</summary>
internal sealed record FinalizePayload(string Csr);
