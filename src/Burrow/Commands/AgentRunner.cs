using System.CommandLine;
using Burrow.Agent;
using Burrow.Output;

namespace Burrow.Commands;

/// <summary>Runs the agent for <c>burrow http</c> and <c>burrow start</c> and turns its outcome into an exit code.</summary>
internal static class AgentRunner
{
    public static async Task<int> RunAsync(AgentConnectionOptions connection, ParseResult parse, List<TunnelTarget> tunnels, bool pool, CancellationToken cancellationToken)
    {
        AgentOptions options;
        try
        {
            options = connection.Build(parse, tunnels, pool);
        }
        catch (AgentException ex)
        {
            return CommonOptions.Fail(ex.Message, (int)ex.ExitCode);
        }

        var format = parse.GetValue(connection.LogFormat);
        await using var output = AgentOutput.Create(format!, options);
        try
        {
            var agent = new BurrowAgent(options, output);
            return (int)await agent.RunAsync(cancellationToken);
        }
        catch (AgentException ex)
        {
            await output.DisposeAsync();
            return CommonOptions.Fail(ex.Message, (int)ex.ExitCode);
        }
    }
}
