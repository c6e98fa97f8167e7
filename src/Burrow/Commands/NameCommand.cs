using System.CommandLine;

namespace Burrow.Commands;

/// <summary><c>burrow name list|release</c>: names stay with the user who claimed them until released.</summary>
internal static class NameCommand
{
    public static Command Create()
    {
        var user = new Option<string?>("--user") { Description = "Only this user's names." };
        var listTarget = new AccountTargetFlags();
        var list = new Command("list", "List claimed names.") { user };
        listTarget.AddTo(list);
        list.SetAction((parse, cancellationToken) => listTarget.RunAsync(parse, async accounts =>
        {
            var names = await accounts.ListNamesAsync(parse.GetValue(user), cancellationToken);
            Console.WriteLine($"{"NAME",-40} {"USER",-24} CLAIMED");
            foreach (var name in names)
            {
                Console.WriteLine($"{name.Name,-40} {name.UserName,-24} {name.ClaimedAt:yyyy-MM-dd HH:mm}");
            }
        }));

        var name = new Argument<string>("NAME") { Description = "The name to release." };
        var releaseTarget = new AccountTargetFlags();
        var release = new Command("release", "Release a name so that any user may claim it.") { name };
        releaseTarget.AddTo(release);
        release.SetAction((parse, cancellationToken) => releaseTarget.RunAsync(parse, async accounts =>
        {
            await accounts.ReleaseNameAsync(parse.GetValue(name)!, cancellationToken);
            Console.WriteLine($"Released {parse.GetValue(name)}.");
        }));

        return new Command("name", "Manage tunnel names.") { list, release };
    }
}
