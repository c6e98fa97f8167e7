namespace Burrow.Server.Acme.Protocol;

/// <summary>An authorization (RFC 8555, section 7.1.4). For a wildcard order the identifier has no "*." and <see cref="Wildcard"/> is true.</summary>
internal sealed record AcmeAuthorization(string Status, AcmeIdentifier Identifier, List<AcmeChallenge> Challenges, bool? Wildcard);
