using System.CommandLine;
using Burrow.Agent;
using Burrow.Agent.Inspection;
using Burrow.Output;
using Burrow.Telemetry;

namespace Burrow.Commands;

/// <summary>Runs the agent for <c>burrow http</c> and <c>burrow start</c> and turns its outcome into an exit code.</summary>
internal static class AgentRunner
{
    public static async Task<int> RunAsync(AgentConnectionOptions connection, InspectorFlags inspect, AgentTelemetryFlags telemetryFlags, ParseResult parse, ShutdownSignals signals, List<TunnelTarget> tunnels, bool pool, CancellationToken cancellationToken)
    {
        AgentOptions options;
        RequestInspector? inspector = null;
        AgentTelemetrySession? telemetry = null;
        try
        {
            options = connection.Build(parse, tunnels, pool);
            telemetry = await telemetryFlags.StartAsync(parse, cancellationToken);
            if (inspect.Build(parse) is { } inspectorOptions)
            {
                // One inspector for every tunnel of this agent; it outlives the agent's run and stops after it.
                inspector = await RequestInspector.StartAsync(inspectorOptions, cancellationToken: cancellationToken);
            }
        }
        catch (AgentException ex)
        {
            if (telemetry is not null)
            {
                await telemetry.DisposeAsync();
            }

            return CommonOptions.Fail(ex.Message, (int)ex.ExitCode);
        }

        await using var telemetrySession = telemetry;
        await using var inspection = inspector;
        if (telemetry?.MetricsUrl is { } metricsUrl)
        {
            Console.Error.WriteLine($"burrow: agent metrics at {metricsUrl}");
        }

        var format = parse.GetValue(connection.LogFormat);
        await using var output = AgentOutput.Create(format!, options, inspector?.Url);
        try
        {
            var agent = new BurrowAgent(options, output) { Capture = inspector?.Store };

            // The first Ctrl-C (cancellationToken) drains; the second cuts the drain short (exit code 130).
            using var quit = signals.Quitting.Register(agent.StopNow);
            return (int)await agent.RunAsync(cancellationToken);
        }
        catch (AgentException ex)
        {
            await output.DisposeAsync();
            return CommonOptions.Fail(ex.Message, (int)ex.ExitCode);
        }
    }
}
