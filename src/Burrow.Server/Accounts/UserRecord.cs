namespace Burrow.Server.Accounts;

/// <summary>A user as listed: limits (a null <paramref name="MaxNames"/> means the server's default quota) and counts.</summary>
public sealed record UserRecord(long Id, string Name, int MaxTunnels, int? MaxNames, DateTimeOffset CreatedAt, int TokenCount, int NameCount);
