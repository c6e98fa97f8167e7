namespace Burrow.Server.Accounts;

/// <summary>The outcome of claiming a set of names in one transaction: all of them are the user's, or none changed.</summary>
public enum NameClaim
{
    /// <summary>Every name is now (or already was) the user's.</summary>
    Claimed,

    /// <summary>A name belongs to another user; nothing was claimed.</summary>
    OwnedByOther,

    /// <summary>Claiming the new names would take the user past their name quota; nothing was claimed.</summary>
    OverQuota,
}
