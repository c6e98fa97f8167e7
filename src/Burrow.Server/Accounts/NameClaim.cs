namespace Burrow.Server.Accounts;

internal enum NameClaim
{
    Claimed,
    AlreadyYours,
    OwnedByOther,
}
