namespace Burrow.Server.Acme.Challenges;

/// <summary>One answer a solver published for an order in progress.</summary>
internal sealed record PreparedChallenge(string Host, string Token, string KeyAuthorization, string ChallengeUrl, string AuthorizationUrl);
