namespace Burrow.Server.Accounts;

/// <summary>What a token presented to the admin listener turned out to be; <paramref name="TokenId"/> for an admin token.</summary>
public sealed record AdminCredential(AdminCredentialKind Kind, long? TokenId);
