using System.CommandLine;
using Burrow.Server.Accounts;

namespace Burrow.Commands;

/// <summary><c>burrow token add|list|revoke</c>: several labelled tokens per user.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var data = CommonOptions.DataDirectory();
        var user = new Argument<string>("USER") { Description = "The user the token belongs to." };
        var label = new Option<string>("--label") { Description = "What the token is for (a laptop, CI, ...).", DefaultValueFactory = _ => "token" };
        var add = new Command("add", "Create another token for a user and print it (shown once).") { user, label, data };
        add.SetAction(parse => AccountCommand.Run(parse.GetValue(data)!, store =>
        {
            var token = store.AddToken(parse.GetValue(user)!, parse.GetValue(label)!);
            Console.Error.WriteLine($"Created token {token.TokenId} for {token.UserName}. Token (shown once; keep it secret):");
            Console.WriteLine(token.Token);
        }));

        var listUser = new Argument<string>("USER") { Description = "The user whose tokens to list." };
        var list = new Command("list", "List a user's tokens (never their values).") { listUser, data };
        list.SetAction(parse => AccountCommand.Run(parse.GetValue(data)!, store =>
        {
            Console.WriteLine($"{"ID",5} {"LABEL",-20} {"CREATED",-17} {"LAST USED",-17} STATE");
            if (store.FindUser(parse.GetValue(listUser)!) is null)
            {
                throw new AccountException($"No user named '{parse.GetValue(listUser)}'.");
            }

            foreach (var token in store.ListTokens(parse.GetValue(listUser)!))
            {
                Console.WriteLine($"{token.Id,5} {token.Label,-20} {token.CreatedAt:yyyy-MM-dd HH:mm}  {(token.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "never"),-17} {(token.Revoked ? "revoked" : "active")}");
            }
        }));

        var revokeUser = new Argument<string>("USER") { Description = "The token's user." };
        var id = new Argument<long>("ID") { Description = "Token id from 'burrow token list'." };
        var revoke = new Command("revoke", "Revoke a token; tunnels registered with it close within seconds.") { revokeUser, id, data };
        revoke.SetAction(parse => AccountCommand.Run(parse.GetValue(data)!, store =>
        {
            if (!store.RevokeToken(parse.GetValue(revokeUser)!, parse.GetValue(id)))
            {
                throw new AccountException($"{parse.GetValue(revokeUser)} has no active token {parse.GetValue(id)}.");
            }

            Console.WriteLine($"Revoked token {parse.GetValue(id)}.");
        }));

        return new Command("token", "Manage tokens.") { add, list, revoke };
    }
}
