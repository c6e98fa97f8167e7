using System.CommandLine;
using Burrow.Accounts;
using Burrow.Agent.Connection;
using Burrow.Server.Accounts;

namespace Burrow.Commands;

/// <summary>
/// Where <c>burrow user|token|name</c> find the accounts: the SQLite file in <c>--data</c> (default), or a running
/// server's admin API with <c>--admin URL --admin-token T</c> (or BURROW_ADMIN and BURROW_ADMIN_TOKEN).
/// </summary>
internal sealed class AccountTargetFlags
{
    public Option<string> Data { get; } = CommonOptions.DataDirectory();

    public Option<string?> Admin { get; } = new("--admin") { Description = "Admin URL of a running server (e.g. https://example.com:9090) to work through its API instead of --data (or BURROW_ADMIN)." };

    public Option<string?> AdminToken { get; } = new("--admin-token") { Description = "Admin token for --admin, from 'burrow admin token create' (or BURROW_ADMIN_TOKEN)." };

    public Option<bool> AllowHttp { get; } = new("--allow-http") { Description = "Allow a plain http:// --admin URL that is not on this machine (the admin token then travels in clear)." };

    public void AddTo(Command command)
    {
        command.Add(Data);
        command.Add(Admin);
        command.Add(AdminToken);
        command.Add(AllowHttp);
    }

    /// <summary>Runs <paramref name="action"/> on the chosen accounts; a refusal is printed as one line, exit code 1.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<IAccounts, Task> action)
    {
        try
        {
            using var accounts = Open(parse);
            await action(accounts);
            return 0;
        }
        catch (AccountException ex)
        {
            return CommonOptions.Fail(ex.Message, 1);
        }
    }

    private IAccounts Open(ParseResult parse)
    {
        var admin = parse.GetValue(Admin) ?? Environment.GetEnvironmentVariable("BURROW_ADMIN");
        if (string.IsNullOrEmpty(admin))
        {
            return new LocalAccounts(parse.GetValue(Data)!);
        }

        if (!Uri.TryCreate(admin, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new AccountException($"--admin '{admin}' is not an http:// or https:// URL.");
        }

        if (!parse.GetValue(AllowHttp) && !ServerUrlPolicy.IsSafe(url))
        {
            throw new AccountException($"refusing to send the admin token to {url.GetLeftPart(UriPartial.Authority)} over plain HTTP: use https:// (--admin-https on the server), or --allow-http if you accept that it travels in clear");
        }

        var token = parse.GetValue(AdminToken) ?? Environment.GetEnvironmentVariable("BURROW_ADMIN_TOKEN");
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new AccountException("--admin needs --admin-token (or BURROW_ADMIN_TOKEN): make one with 'burrow admin token create' on the server.");
        }

        return new RemoteAccounts(url, token.Trim());
    }
}
