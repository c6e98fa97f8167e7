namespace Burrow.Server.Accounts;

public sealed record TokenRecord(long Id, string Label, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);
