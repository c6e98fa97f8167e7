namespace Burrow.Server.Accounts;

/// <summary>A refusal from the account store, worded for the person at the terminal.</summary>
public sealed class AccountException : Exception
{
    public AccountException(string message)
        : base(message)
    {
    }
}
