using Burrow.Agent;

namespace Burrow.Output;

/// <summary>Picks how the agent talks to the person running it.</summary>
internal static class AgentOutput
{
    public static IAgentOutput Create(string format, AgentOptions options) => format switch
    {
        "json" => new JsonLinesOutput(OpenStandardOutput(), TimeProvider.System),
        "live" => new LiveConsoleOutput(options, Spectre.Console.AnsiConsole.Console, TimeProvider.System),
        _ => new TextLinesOutput(OpenStandardOutput(), TimeProvider.System),
    };

    /// <summary>
    /// Standard output without <see cref="Console.Out"/>'s flush after every line: the line writers flush once per
    /// batch, which saves a system call per request on a busy tunnel.
    /// </summary>
    private static StreamWriter OpenStandardOutput()
        => new(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024) { AutoFlush = false };
}
