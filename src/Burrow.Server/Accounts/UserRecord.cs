namespace Burrow.Server.Accounts;

internal sealed record UserRecord(long Id, string Name, int MaxTunnels, DateTimeOffset CreatedAt, int TokenCount, int NameCount);
