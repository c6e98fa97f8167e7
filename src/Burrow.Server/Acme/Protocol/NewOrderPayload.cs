namespace Burrow.Server.Acme.Protocol;

/// <summary>newOrder request (RFC 8555, section 7.4); <see cref="Replaces"/> names the certificate being renewed (RFC 9773, section 5).</summary>
internal sealed record NewOrderPayload(List<AcmeIdentifier> Identifiers, string? Replaces);
