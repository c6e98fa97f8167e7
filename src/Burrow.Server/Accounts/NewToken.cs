namespace Burrow.Server.Accounts;

/// <summary>A token as created: shown once, then only its hash exists.</summary>
internal sealed record NewToken(long TokenId, string UserName, string Token);
