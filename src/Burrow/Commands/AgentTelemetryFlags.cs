using System.CommandLine;
using System.Net;
using Burrow.Agent;
using Burrow.Telemetry;
using OpenTelemetry.Exporter;

namespace Burrow.Commands;

/// <summary>The agent's <c>--metrics</c> and <c>--otlp-endpoint</c> flags, shared by <c>burrow http</c> and <c>burrow start</c>.</summary>
internal sealed class AgentTelemetryFlags
{
    public Option<string?> Metrics { get; } = new("--metrics")
    {
        Description = "Serve the agent's own metrics (Prometheus text) at http://ADDRESS/metrics: HOST:PORT, or PORT on 127.0.0.1 [default: off].",
    };

    public Option<string?> OtlpEndpoint { get; } = new("--otlp-endpoint")
    {
        Description = "Export a span per forwarded request to this OTLP endpoint, as a child of the server's span [default: off].",
    };

    public Option<string?> OtlpProtocol { get; } = new("--otlp-protocol")
    {
        Description = "grpc or http (the endpoint is then the full URL, e.g. http://collector:4318/v1/traces) [default: grpc].",
    };

    public void AddTo(Command command)
    {
        OtlpProtocol.AcceptOnlyFromAmong("grpc", "http");
        command.Add(Metrics);
        command.Add(OtlpEndpoint);
        command.Add(OtlpProtocol);
    }

    /// <summary>Starts what the flags ask for (null when nothing).</summary>
    /// <exception cref="AgentException">A flag that does not parse, or a metrics address that cannot be bound.</exception>
    public async Task<AgentTelemetrySession?> StartAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        IPEndPoint? metrics = null;
        if (parse.GetValue(Metrics) is { } address)
        {
            metrics = ParseAddress(address);
        }

        Uri? otlp = null;
        if (parse.GetValue(OtlpEndpoint) is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out otlp) || (otlp.Scheme != Uri.UriSchemeHttp && otlp.Scheme != Uri.UriSchemeHttps))
            {
                throw new AgentException(AgentExitCode.ConfigError, $"--otlp-endpoint '{endpoint}' is not an http:// or https:// URL");
            }
        }

        var protocol = parse.GetValue(OtlpProtocol) == "http" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        try
        {
            return await AgentTelemetrySession.StartAsync(metrics, otlp, protocol, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new AgentException(AgentExitCode.ConfigError, $"--metrics cannot listen on {metrics}: {ex.Message}");
        }
    }

    private static IPEndPoint ParseAddress(string text)
    {
        try
        {
            return InspectorFlags.ParseAddress(text);
        }
        catch (AgentException)
        {
            throw new AgentException(AgentExitCode.ConfigError, $"--metrics '{text}' is not an address: use HOST:PORT with an IP address (127.0.0.1:9464) or a port");
        }
    }
}
