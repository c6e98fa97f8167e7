using System.CommandLine;
using System.Globalization;

namespace Burrow.Commands;

/// <summary>
/// <c>burrow admin token create|list|revoke</c>: tokens for the server's admin listener (dashboard, admin API,
/// optionally /metrics), made on the server's machine from its data directory and stored only as hashes.
/// </summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var createData = CommonOptions.DataDirectory();
        var label = new Option<string>("--label") { Description = "What the token is for (ops laptop, Prometheus, ...).", DefaultValueFactory = _ => "admin" };
        var create = new Command("create", "Create an admin token and print it (shown once; stored only as a hash).") { label, createData };
        create.SetAction(parse => AccountCommand.Run(parse.GetValue(createData)!, store =>
        {
            var token = store.AddAdminToken(parse.GetValue(label)!);
            Console.Error.WriteLine($"Created admin token {token.TokenId}. Token (shown once; keep it secret):");
            Console.WriteLine(token.Token);
        }));

        var listData = CommonOptions.DataDirectory();
        var list = new Command("list", "List admin tokens (never their values).") { listData };
        list.SetAction(parse => AccountCommand.Run(parse.GetValue(listData)!, store =>
        {
            Console.WriteLine($"{"ID",5} {"LABEL",-20} {"CREATED",-17} {"LAST USED",-17} STATE");
            foreach (var token in store.ListAdminTokens())
            {
                Console.WriteLine($"{token.Id,5} {token.Label,-20} {token.CreatedAt:yyyy-MM-dd HH:mm}  {(token.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never"),-17} {(token.Revoked ? "revoked" : "active")}");
            }
        }));

        var revokeData = CommonOptions.DataDirectory();
        var id = new Argument<long>("ID") { Description = "Admin token id from 'burrow admin token list'." };
        var revoke = new Command("revoke", "Revoke an admin token (it stops working at once).") { id, revokeData };
        revoke.SetAction(parse => AccountCommand.Run(parse.GetValue(revokeData)!, store =>
        {
            if (!store.RevokeAdminToken(parse.GetValue(id)))
            {
                throw new Server.Accounts.AccountException($"There is no active admin token {parse.GetValue(id)}.");
            }

            Console.WriteLine($"Revoked admin token {parse.GetValue(id)}.");
        }));

        return new Command("admin", "Manage access to the admin listener.") { new Command("token", "Manage admin tokens.") { create, list, revoke } };
    }
}
