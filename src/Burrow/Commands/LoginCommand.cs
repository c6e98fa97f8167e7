using System.CommandLine;
using Burrow.Agent;

namespace Burrow.Commands;

/// <summary><c>burrow login</c>: stores server, user and token once, so that <c>burrow http 3000</c> needs nothing else.</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Server URL, e.g. https://example.com.", Required = true };
        var user = new Option<string>("--user") { Description = "User name.", Required = true };
        var token = new Option<string>("--token") { Description = "Token from 'burrow user add'.", Required = true };
        var allowHttp = new Option<bool>("--allow-http") { Description = "Allow a plain http:// server that is not on this machine." };
        var command = new Command("login", $"Save server, user and token to {AgentCredentials.DefaultPath} (mode 600).") { server, user, token, allowHttp };
        command.SetAction(parse =>
        {
            var url = parse.GetValue(server)!;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return CommonOptions.Fail($"--server: '{url}' is not an http:// or https:// URL.", 2);
            }

            if (!parse.GetValue(allowHttp) && !Agent.Connection.ServerUrlPolicy.IsSafe(uri))
            {
                return CommonOptions.Fail(Agent.Connection.ServerUrlPolicy.Refusal(uri), 2);
            }

            var credentials = new AgentCredentials(url, parse.GetValue(user), parse.GetValue(token));
            credentials.Save();
            Console.WriteLine($"Saved credentials for {credentials.User} at {url} to {AgentCredentials.DefaultPath}");
            return 0;
        });
        return command;
    }
}
