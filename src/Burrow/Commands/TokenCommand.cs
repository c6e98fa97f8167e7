using System.CommandLine;
using System.Globalization;

namespace Burrow.Commands;

/// <summary><c>burrow token add|list|revoke</c>: several labelled tokens per user.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var user = new Argument<string>("USER") { Description = "The user the token belongs to." };
        var label = new Option<string>("--label") { Description = "What the token is for (a laptop, CI, ...).", DefaultValueFactory = _ => "token" };
        var addTarget = new AccountTargetFlags();
        var add = new Command("add", "Create another token for a user and print it (shown once).") { user, label };
        addTarget.AddTo(add);
        add.SetAction((parse, cancellationToken) => addTarget.RunAsync(parse, async accounts =>
        {
            var token = await accounts.AddTokenAsync(parse.GetValue(user)!, parse.GetValue(label)!, cancellationToken);
            Console.Error.WriteLine($"Created token {token.TokenId} for {token.UserName}. Token (shown once; keep it secret):");
            Console.WriteLine(token.Token);
        }));

        var listUser = new Argument<string>("USER") { Description = "The user whose tokens to list." };
        var listTarget = new AccountTargetFlags();
        var list = new Command("list", "List a user's tokens (never their values).") { listUser };
        listTarget.AddTo(list);
        list.SetAction((parse, cancellationToken) => listTarget.RunAsync(parse, async accounts =>
        {
            var tokens = await accounts.ListTokensAsync(parse.GetValue(listUser)!, cancellationToken);
            Console.WriteLine($"{"ID",5} {"LABEL",-20} {"CREATED",-17} {"LAST USED",-17} STATE");
            foreach (var token in tokens)
            {
                Console.WriteLine($"{token.Id,5} {token.Label,-20} {token.CreatedAt:yyyy-MM-dd HH:mm}  {(token.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never"),-17} {(token.Revoked ? "revoked" : "active")}");
            }
        }));

        var revokeUser = new Argument<string>("USER") { Description = "The token's user." };
        var id = new Argument<long>("ID") { Description = "Token id from 'burrow token list'." };
        var revokeTarget = new AccountTargetFlags();
        var revoke = new Command("revoke", "Revoke a token; tunnels registered with it close within seconds.") { revokeUser, id };
        revokeTarget.AddTo(revoke);
        revoke.SetAction((parse, cancellationToken) => revokeTarget.RunAsync(parse, async accounts =>
        {
            await accounts.RevokeTokenAsync(parse.GetValue(revokeUser)!, parse.GetValue(id), cancellationToken);
            Console.WriteLine($"Revoked token {parse.GetValue(id)}.");
        }));

        return new Command("token", "Manage tokens.") { add, list, revoke };
    }
}
