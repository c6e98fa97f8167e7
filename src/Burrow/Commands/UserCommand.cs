using System.CommandLine;

namespace Burrow.Commands;

/// <summary><c>burrow user add|list|remove</c>: accounts in the server's SQLite database, or through its admin API.</summary>
internal static class UserCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "User name (lower-case letters, digits, '-' and '_')." };
        var maxTunnels = new Option<int>("--max-tunnels") { Description = "Most live tunnels this user may have at once.", DefaultValueFactory = _ => 10 };
        var maxNames = new Option<int?>("--max-names") { Description = "Most names this user may hold [default: the server's MaxNamesPerUser, 20]." };
        var addTarget = new AccountTargetFlags();
        var add = new Command("add", "Create a user and print its first token (shown once; stored only as a hash).") { name, maxTunnels, maxNames };
        addTarget.AddTo(add);
        add.SetAction((parse, cancellationToken) => addTarget.RunAsync(parse, async accounts =>
        {
            var token = await accounts.AddUserAsync(parse.GetValue(name)!, parse.GetValue(maxTunnels), parse.GetValue(maxNames), cancellationToken);
            Console.Error.WriteLine($"Created user {token.UserName}. Token (shown once; keep it secret):");
            Console.WriteLine(token.Token);
        }));

        var listTarget = new AccountTargetFlags();
        var list = new Command("list", "List users.");
        listTarget.AddTo(list);
        list.SetAction((parse, cancellationToken) => listTarget.RunAsync(parse, async accounts =>
        {
            var users = await accounts.ListUsersAsync(cancellationToken);
            Console.WriteLine($"{"USER",-24} {"TOKENS",6} {"NAMES",9} {"MAX",4}  CREATED");
            foreach (var user in users)
            {
                var names = user.MaxNames is { } quota ? $"{user.NameCount}/{quota}" : $"{user.NameCount}";
                Console.WriteLine($"{user.Name,-24} {user.TokenCount,6} {names,9} {user.MaxTunnels,4}  {user.CreatedAt:yyyy-MM-dd HH:mm}");
            }
        }));

        var removeName = new Argument<string>("NAME") { Description = "User to remove." };
        var removeTarget = new AccountTargetFlags();
        var remove = new Command("remove", "Remove a user, its tokens and its names (live tunnels close within seconds).") { removeName };
        removeTarget.AddTo(remove);
        remove.SetAction((parse, cancellationToken) => removeTarget.RunAsync(parse, async accounts =>
        {
            var user = parse.GetValue(removeName)!;
            await accounts.RemoveUserAsync(user, cancellationToken);
            Console.WriteLine($"Removed user {user}.");
        }));

        return new Command("user", "Manage users.") { add, list, remove };
    }
}
