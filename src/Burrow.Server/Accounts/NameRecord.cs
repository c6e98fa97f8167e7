namespace Burrow.Server.Accounts;

internal sealed record NameRecord(string Name, string UserName, DateTimeOffset ClaimedAt);
