namespace Burrow.Server.Accounts;

/// <summary>
/// Who a presented token belongs to, with the user's limits: live tunnels at once, and names held (null: the server's
/// default quota).
/// </summary>
public sealed record AuthenticatedUser(long UserId, string UserName, long TokenId, int MaxTunnels, int? MaxNames);
