namespace Burrow.Server.Accounts;

/// <summary>A claimed name, its owner, when it was claimed and when a channel last served it (null: never yet).</summary>
public sealed record NameRecord(string Name, string UserName, DateTimeOffset ClaimedAt, DateTimeOffset? LastUsedAt);
