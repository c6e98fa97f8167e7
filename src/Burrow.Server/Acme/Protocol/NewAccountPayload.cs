namespace Burrow.Server.Acme.Protocol;

/// <summary>newAccount request (RFC 8555, section 7.3).</summary>
internal sealed record NewAccountPayload(bool TermsOfServiceAgreed, List<string>? Contact);
