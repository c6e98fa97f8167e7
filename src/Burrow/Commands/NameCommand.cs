using System.CommandLine;
using Burrow.Server.Accounts;

namespace Burrow.Commands;

/// <summary><c>burrow name list|release</c>: names stay with the user who claimed them until released.</summary>
internal static class NameCommand
{
    public static Command Create()
    {
        var data = CommonOptions.DataDirectory();
        var user = new Option<string?>("--user") { Description = "Only this user's names." };
        var list = new Command("list", "List claimed names.") { user, data };
        list.SetAction(parse => AccountCommand.Run(parse.GetValue(data)!, store =>
        {
            Console.WriteLine($"{"NAME",-40} {"USER",-24} CLAIMED");
            foreach (var name in store.ListNames(parse.GetValue(user)))
            {
                Console.WriteLine($"{name.Name,-40} {name.UserName,-24} {name.ClaimedAt:yyyy-MM-dd HH:mm}");
            }
        }));

        var name = new Argument<string>("NAME") { Description = "The name to release." };
        var release = new Command("release", "Release a name so that any user may claim it.") { name, data };
        release.SetAction(parse => AccountCommand.Run(parse.GetValue(data)!, store =>
        {
            if (!store.ReleaseName(parse.GetValue(name)!))
            {
                throw new AccountException($"No one holds the name '{parse.GetValue(name)}'.");
            }

            Console.WriteLine($"Released {parse.GetValue(name)}.");
        }));

        return new Command("name", "Manage tunnel names.") { list, release };
    }
}
