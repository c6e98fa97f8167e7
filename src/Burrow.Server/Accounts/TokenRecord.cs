namespace Burrow.Server.Accounts;

internal sealed record TokenRecord(long Id, string Label, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);
