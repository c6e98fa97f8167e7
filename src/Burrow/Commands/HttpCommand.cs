using System.CommandLine;
using Burrow.Agent;

namespace Burrow.Commands;

/// <summary><c>burrow http PORT</c>: exposes one local port through the server.</summary>
internal static class HttpCommand
{
    public static Command Create(ShutdownSignals signals)
    {
        var port = new Argument<int>("PORT") { Description = "Local port to expose." };
        var host = new Option<string>("--host") { Description = "Local host to forward to.", DefaultValueFactory = _ => "localhost" };
        var name = new Option<string?>("--name") { Description = "Public name (NAME.DOMAIN); a random readable one if omitted." };
        var pool = new Option<bool>("--pool") { Description = "Serve the name together with the user's other agents that serve it (requests go to the least busy) instead of replacing them." };
        var healthCheck = new Option<string?>("--health-check") { Description = "Path the agent probes on the local server (e.g. /healthz); while it fails, the server sends requests to other pooled agents." };
        var connection = new AgentConnectionOptions();
        var inspect = new InspectorFlags();
        var visitors = new PolicyFlags();
        var command = new Command("http", "Expose a local HTTP server at a public URL.") { port, host, name, pool, healthCheck };
        connection.AddTo(command);
        visitors.AddTo(command);
        inspect.AddTo(command);
        var telemetry = new AgentTelemetryFlags();
        telemetry.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var target = new TunnelTarget(parse.GetValue(name), parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(healthCheck));
            try
            {
                target = target with { Policy = visitors.Read(parse).ToPolicy(target.LocalAddress) };
            }
            catch (AgentException ex)
            {
                return Task.FromResult(CommonOptions.Fail(ex.Message, (int)ex.ExitCode));
            }

            return AgentRunner.RunAsync(connection, inspect, telemetry, parse, signals, [target], parse.GetValue(pool), cancellationToken);
        });
        return command;
    }
}
