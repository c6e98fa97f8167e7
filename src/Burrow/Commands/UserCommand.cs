using System.CommandLine;
using Burrow.Server.Accounts;

namespace Burrow.Commands;

/// <summary><c>burrow user add|list|remove</c>: accounts in the server's SQLite database.</summary>
internal static class UserCommand
{
    public static Command Create()
    {
        var data = CommonOptions.DataDirectory();
        var name = new Argument<string>("NAME") { Description = "User name (lower-case letters, digits, '-' and '_')." };
        var maxTunnels = new Option<int>("--max-tunnels") { Description = "Most live tunnels this user may have at once.", DefaultValueFactory = _ => 10 };
        var maxNames = new Option<int?>("--max-names") { Description = "Most names this user may hold [default: the server's MaxNamesPerUser, 20]." };
        var add = new Command("add", "Create a user and print its first token (shown once; stored only as a hash).") { name, maxTunnels, maxNames, data };
        add.SetAction(parse => AccountCommand.Run(parse.GetValue(data)!, store =>
        {
            var token = store.AddUser(parse.GetValue(name)!, parse.GetValue(maxTunnels), parse.GetValue(maxNames));
            Console.Error.WriteLine($"Created user {token.UserName}. Token (shown once; keep it secret):");
            Console.WriteLine(token.Token);
        }));

        var list = new Command("list", "List users.") { data };
        list.SetAction(parse => AccountCommand.Run(parse.GetValue(data)!, store =>
        {
            Console.WriteLine($"{"USER",-24} {"TOKENS",6} {"NAMES",9} {"MAX",4}  CREATED");
            foreach (var user in store.ListUsers())
            {
                var names = user.MaxNames is { } quota ? $"{user.NameCount}/{quota}" : $"{user.NameCount}";
                Console.WriteLine($"{user.Name,-24} {user.TokenCount,6} {names,9} {user.MaxTunnels,4}  {user.CreatedAt:yyyy-MM-dd HH:mm}");
            }
        }));

        var removeName = new Argument<string>("NAME") { Description = "User to remove." };
        var remove = new Command("remove", "Remove a user, its tokens and its names (live tunnels close within seconds).") { removeName, data };
        remove.SetAction(parse => AccountCommand.Run(parse.GetValue(data)!, store =>
        {
            var user = parse.GetValue(removeName)!;
            if (!store.RemoveUser(user))
            {
                throw new AccountException($"No user named '{user}'.");
            }

            Console.WriteLine($"Removed user {user}.");
        }));

        return new Command("user", "Manage users.") { add, list, remove };
    }
}
