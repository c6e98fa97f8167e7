using System.CommandLine;
using System.Text.Json;
using Burrow.Agent;

namespace Burrow.Commands;

/// <summary>
/// <c>burrow start</c>: serves every tunnel listed in an agent config file over one channel.
/// <code>
/// { "tunnels": [ { "name": "web", "port": 3000, "healthCheck": "/healthz" }, { "name": "api", "host": "127.0.0.1", "port": 5000 } ] }
/// </code>
/// A tunnel may say <c>"pool": true</c> (then all must: they share one channel) to be served together with the
/// user's other agents for the same names. Visitor rules take the flags' names in camelCase, lists as arrays:
/// <code>
/// { "name": "admin", "port": 8080, "basicAuth": ["ann:s3cret"], "allowIp": ["10.0.0.0/8"], "denyIp": [],
///   "oidc": "corp", "oidcAllowEmail": ["*@example.com"], "oidcAllowDomain": [], "requestHeaderAdd": ["X-Env: staging"],
///   "requestHeaderRemove": [], "responseHeaderAdd": [], "responseHeaderRemove": [], "hostHeader": "rewrite" }
/// </code>
/// </summary>
internal static class StartCommand
{
    public static string DefaultPath => Path.Combine(Path.GetDirectoryName(AgentCredentials.DefaultPath)!, "agent.json");

    public static Command Create(ShutdownSignals signals)
    {
        var config = new Option<string>("--config") { Description = "Agent config file listing the tunnels.", DefaultValueFactory = _ => DefaultPath };
        var connection = new AgentConnectionOptions();
        var inspect = new InspectorFlags();
        var command = new Command("start", "Start every tunnel listed in the agent config file, over one channel.") { config };
        connection.AddTo(command);
        inspect.AddTo(command);
        var telemetry = new AgentTelemetryFlags();
        telemetry.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            AgentConfigFile file;
            try
            {
                file = Read(parse.GetValue(config)!);
            }
            catch (AgentException ex)
            {
                return Task.FromResult(CommonOptions.Fail(ex.Message, (int)ex.ExitCode));
            }

            return AgentRunner.RunAsync(connection, inspect, telemetry, parse, signals, file.Tunnels, file.Pool, cancellationToken);
        });
        return command;
    }

    internal static AgentConfigFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new AgentException(AgentExitCode.ConfigError, $"{path} does not exist; it lists the tunnels: {{\"tunnels\": [{{\"name\": \"web\", \"port\": 3000}}]}}");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var tunnels = new List<TunnelTarget>();
            var pools = new HashSet<bool>();
            if (!document.RootElement.TryGetProperty("tunnels", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new AgentException(AgentExitCode.ConfigError, $"{path}: 'tunnels' must be an array.");
            }

            foreach (var item in list.EnumerateArray())
            {
                var name = item.TryGetProperty("name", out var n) ? n.GetString() : null;
                var host = item.TryGetProperty("host", out var h) ? h.GetString() ?? "localhost" : "localhost";
                if (!item.TryGetProperty("port", out var p) || !p.TryGetInt32(out var port))
                {
                    throw new AgentException(AgentExitCode.ConfigError, $"{path}: every tunnel needs a numeric 'port'.");
                }

                var healthCheck = item.TryGetProperty("healthCheck", out var hc) ? hc.GetString() : null;
                pools.Add(item.TryGetProperty("pool", out var pool) && pool.ValueKind == JsonValueKind.True);
                var target = new TunnelTarget(name, host, port, healthCheck);
                tunnels.Add(target with { Policy = ReadPolicy(item, path).ToPolicy(target.LocalAddress) });
            }

            if (pools.Count > 1)
            {
                throw new AgentException(AgentExitCode.ConfigError, $"{path}: 'pool' must be the same for every tunnel (they share one channel).");
            }

            return new AgentConfigFile(tunnels, pools.SingleOrDefault());
        }
        catch (JsonException ex)
        {
            throw new AgentException(AgentExitCode.ConfigError, $"{path} is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // GetString on a number, EnumerateArray on a string: a key with the wrong kind of value.
            throw new AgentException(AgentExitCode.ConfigError, $"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>A tunnel's visitor rules: the keys of <c>burrow http</c>'s flags, camelCase.</summary>
    private static PolicyInput ReadPolicy(JsonElement tunnel, string path)
    {
        return new PolicyInput(
            List("basicAuth"), List("allowIp"), List("denyIp"), Text("oidc"), List("oidcAllowEmail"), List("oidcAllowDomain"),
            List("requestHeaderAdd"), List("requestHeaderRemove"), List("responseHeaderAdd"), List("responseHeaderRemove"), Text("hostHeader"));

        string? Text(string key) => tunnel.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

        List<string> List(string key)
        {
            if (!tunnel.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            // One value alone is fine too: "allowIp": "10.0.0.0/8".
            return value.ValueKind == JsonValueKind.Array
                ? [.. value.EnumerateArray().Select(v => v.GetString() ?? throw new AgentException(AgentExitCode.ConfigError, $"{path}: '{key}' holds a null."))]
                : [value.GetString() ?? string.Empty];
        }
    }
}
