namespace Burrow.Server.Accounts;

/// <summary>A token as created: shown once, then only its hash exists.</summary>
public sealed record NewToken(long TokenId, string UserName, string Token)
{
    /// <summary>Never prints the token: records are easy to log by accident.</summary>
    public override string ToString() => $"NewToken {{ TokenId = {TokenId}, UserName = {UserName}, Token = *** }}";
}
