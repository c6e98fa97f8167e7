namespace Burrow.Server.Accounts;

internal sealed record AuthenticatedUser(long UserId, string UserName, long TokenId, int MaxTunnels);
