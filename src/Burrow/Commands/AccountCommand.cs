using Burrow.Server.Accounts;

namespace Burrow.Commands;

/// <summary>Opens the account store for one command and turns its refusals into one-line errors.</summary>
internal static class AccountCommand
{
    public static int Run(string dataDirectory, Action<AccountStore> action)
    {
        try
        {
            using var store = AccountStore.Open(dataDirectory);
            action(store);
            return 0;
        }
        catch (AccountException ex)
        {
            return CommonOptions.Fail(ex.Message, 1);
        }
    }
}
