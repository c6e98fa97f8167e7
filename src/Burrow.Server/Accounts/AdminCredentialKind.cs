namespace Burrow.Server.Accounts;

/// <summary>The kinds of token the admin listener can be shown.</summary>
public enum AdminCredentialKind
{
    /// <summary>Not an active token of any kind: 401.</summary>
    None,

    /// <summary>An active admin token.</summary>
    Admin,

    /// <summary>An active user token: a real credential, but not for the admin API: 403.</summary>
    User,
}
