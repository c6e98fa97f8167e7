using System.CommandLine;
using Burrow.Agent;

namespace Burrow.Commands;

/// <summary><c>burrow http PORT</c>: exposes one local port through the server.</summary>
internal static class HttpCommand
{
    public static Command Create()
    {
        var port = new Argument<int>("PORT") { Description = "Local port to expose." };
        var host = new Option<string>("--host") { Description = "Local host to forward to.", DefaultValueFactory = _ => "localhost" };
        var name = new Option<string?>("--name") { Description = "Public name (NAME.DOMAIN); a random readable one if omitted." };
        var connection = new AgentConnectionOptions();
        var command = new Command("http", "Expose a local HTTP server at a public URL.") { port, host, name };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var tunnels = new List<TunnelTarget> { new(parse.GetValue(name), parse.GetValue(host)!, parse.GetValue(port)) };
            return AgentRunner.RunAsync(connection, parse, tunnels, cancellationToken);
        });
        return command;
    }
}
