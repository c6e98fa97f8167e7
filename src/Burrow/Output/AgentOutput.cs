using Burrow.Agent;

namespace Burrow.Output;

/// <summary>Picks how the agent talks to the person running it.</summary>
internal static class AgentOutput
{
    public static IAgentOutput Create(string format, AgentOptions options) => format switch
    {
        "json" => new JsonLinesOutput(Console.Out),
        "live" => new LiveConsoleOutput(options),
        _ => new TextLinesOutput(Console.Out),
    };
}
