using Burrow.Agent;

namespace Burrow.Output;

/// <summary>Picks how the agent talks to the person running it.</summary>
internal static class AgentOutput
{
    /// <param name="inspector">The request inspector's URL, printed first; null when it is off.</param>
    public static IAgentOutput Create(string format, AgentOptions options, Uri? inspector = null) => format switch
    {
        "json" => new JsonLinesOutput(OpenStandardOutput(), TimeProvider.System, inspector),
        "live" => new LiveConsoleOutput(options, Spectre.Console.AnsiConsole.Console, TimeProvider.System, inspector),
        _ => new TextLinesOutput(OpenStandardOutput(), TimeProvider.System, inspector),
    };

    /// <summary>What every output says when Ctrl-C starts the drain (the live console keeps the count current).</summary>
    public static string Draining(int requests) => requests switch
    {
        0 => "stopping",
        1 => "draining 1 request (Ctrl-C again to quit now)",
        _ => $"draining {requests} requests (Ctrl-C again to quit now)",
    };

    /// <summary>
    /// Standard output without <see cref="Console.Out"/>'s flush after every line: the line writers flush once per
    /// batch, which saves a system call per request on a busy tunnel.
    /// </summary>
    private static StreamWriter OpenStandardOutput()
        => new(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024) { AutoFlush = false };
}
