namespace Burrow.Server.Accounts;

/// <summary>What <see cref="AccountStore.ClaimNames"/> did, and for a refusal, the name or numbers that explain it.</summary>
public sealed record NameClaimResult(NameClaim Outcome, string? ConflictingName = null, int Held = 0, int Quota = 0)
{
    public static readonly NameClaimResult Success = new(NameClaim.Claimed);
}
